using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Sends traces, metrics and logs over OTLP/gRPC (to Tempo, a Collector, ...) through one channel, with a sending
/// queue per signal. Failures are sorted by the OTLP rules; refused parts of accepted requests are counted.
/// </summary>
public sealed class OtlpExporter : IExporter
{
    // Grpc.Net.Client compresses a request with the algorithm this header names (it is not sent as is).
    private const string RequestCompressionHeader = "grpc-internal-encoding-request";

    private readonly GrpcChannel _channel;
    private readonly SignalQueues _queues;

    public OtlpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpExporterOptions options, TimeProvider? time = null)
    {
        if (!GrpcTarget.TryResolve(options.Endpoint, options.Tls.Insecure, out var address, out string error))
        {
            throw new ArgumentException($"exporter {context.Id}: endpoint {error}", nameof(options));
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = HttpHandlerBuilder.Create(options, handler => ApplyKeepalive(handler, options.Keepalive)),
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
            MaxSendMessageSize = null,
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

        var sender = new OtlpGrpcSender(_channel.CreateCallInvoker(), headers, options.Timeout, time ?? TimeProvider.System);
        _queues = new SignalQueues(context, signals, options, sender, gzipBodies: false, context.CreateLogger<OtlpExporter>(), time);
        Target = address;
    }

    /// <summary>The address the channel connects to.</summary>
    public Uri Target { get; }

    public IConsumer<TracesBatch>? Traces => _queues.Traces;

    public IConsumer<MetricsBatch>? Metrics => _queues.Metrics;

    public IConsumer<LogsBatch>? Logs => _queues.Logs;

    public Task StartAsync(CancellationToken cancellationToken) => _queues.StartAsync(cancellationToken);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queues.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _channel.Dispose();
        }
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
