using Agent.Core.Components;
using Agent.Core.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>Opens the otlp exporter's one gRPC channel (TLS, auth, proxy and keepalive from its options) and its sender.</summary>
internal static class OtlpGrpcConnection
{
    // Grpc.Net.Client compresses a request with the algorithm this header names (it is not sent as is).
    private const string RequestCompressionHeader = "grpc-internal-encoding-request";

    public static OtlpGrpcSender Open(ComponentId exporter, OtlpExporterOptions options, TimeProvider time, ILogger logger)
    {
        if (!GrpcTarget.TryResolve(options.Endpoint, options.Tls.Insecure, out var address, out string error))
        {
            throw new ArgumentException($"exporter {exporter}: endpoint {error}", nameof(options));
        }

        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = HttpHandlerBuilder.Create(options, handler => ApplyKeepalive(handler, options.Keepalive), logger),
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
            MaxSendMessageSize = null,
            CompressionProviders = [new PooledGzipCompression()],
        });
        Metadata headers = [];
        foreach (var (name, value) in options.Headers)
        {
            headers.Add(name.ToLowerInvariant(), value);
        }

        // gRPC compresses each message on the wire; the request's bytes stay plain protobuf.
        if (options.UsesGzip)
        {
            headers.Add(RequestCompressionHeader, OtlpClientOptions.Gzip);
        }

        return new OtlpGrpcSender(channel, address, headers, options.Timeout, time);
    }

    private static void ApplyKeepalive(SocketsHttpHandler handler, KeepaliveOptions? keepalive)
    {
        if (keepalive is null || keepalive.Time <= TimeSpan.Zero)
        {
            return;
        }

        handler.KeepAlivePingDelay = keepalive.Time;
        handler.KeepAlivePingTimeout = keepalive.Timeout;
        handler.KeepAlivePingPolicy = keepalive.PermitWithoutStream
            ? HttpKeepAlivePingPolicy.Always
            : HttpKeepAlivePingPolicy.WithActiveRequests;
    }
}
