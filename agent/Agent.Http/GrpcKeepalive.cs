using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Agent.Http;

/// <summary>Maps a gRPC <c>keepalive</c> block onto Kestrel's HTTP/2 settings, where Kestrel has them.</summary>
public static class GrpcKeepalive
{
    public static void Apply(GrpcKeepaliveOptions keepalive, KestrelServerOptions kestrel)
    {
        if (keepalive.ServerParameters is not { } server)
        {
            return;
        }

        if (server.Time > TimeSpan.Zero)
        {
            kestrel.Limits.Http2.KeepAlivePingDelay = server.Time;
        }

        if (server.Timeout > TimeSpan.Zero)
        {
            kestrel.Limits.Http2.KeepAlivePingTimeout = server.Timeout;
        }

        if (server.MaxConnectionIdle > TimeSpan.Zero)
        {
            // Kestrel closes an HTTP/2 connection without open streams after its keep-alive timeout.
            kestrel.Limits.KeepAliveTimeout = server.MaxConnectionIdle;
        }
    }
}
