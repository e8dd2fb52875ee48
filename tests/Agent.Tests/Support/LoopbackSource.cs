using System.Net;
using System.Net.Sockets;

namespace Agent.Tests.Support;

/// <summary>
/// HTTP clients that connect from a chosen loopback address (127.0.0.2 is loopback too), as a pod with that IP
/// would, so the agent sees it as the connection's peer address.
/// </summary>
internal static class LoopbackSource
{
    public static HttpClient HttpClientFrom(IPAddress local) =>
        new(new SocketsHttpHandler { ConnectCallback = (context, token) => ConnectFromAsync(local, context.DnsEndPoint, token) });

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress local, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
