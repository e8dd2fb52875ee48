using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.Otlp.Grpc;
using Agent.Exporters.Sending;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

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
    private readonly Metadata _headers;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly TraceService.TraceServiceClient _traceClient;
    private readonly MetricsService.MetricsServiceClient _metricsClient;
    private readonly LogsService.LogsServiceClient _logsClient;
    private readonly SignalQueues _queues;

    public OtlpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpExporterOptions options, TimeProvider? time = null)
    {
        if (!GrpcTarget.TryResolve(options.Endpoint, options.Tls.Insecure, out var address, out string error))
        {
            throw new ArgumentException($"exporter {context.Id}: endpoint {error}", nameof(options));
        }

        _time = time ?? TimeProvider.System;
        _timeout = options.Timeout;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = HttpHandlerBuilder.Create(options, handler => ApplyKeepalive(handler, options.Keepalive)),
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
            MaxSendMessageSize = null,
        });
        _headers = [];
        foreach (var (name, value) in options.Headers)
        {
            _headers.Add(name.ToLowerInvariant(), value);
        }

        if (options.UsesGzip)
        {
            _headers.Add(RequestCompressionHeader, OtlpClientOptions.Gzip);
        }

        _traceClient = new TraceService.TraceServiceClient(_channel);
        _metricsClient = new MetricsService.MetricsServiceClient(_channel);
        _logsClient = new LogsService.LogsServiceClient(_channel);
        _queues = new SignalQueues(context, signals, options, context.CreateLogger<OtlpExporter>(), time, SendTracesAsync, SendMetricsAsync, SendLogsAsync);
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

    private async ValueTask<SendResult> SendTracesAsync(TracesBatch batch, CancellationToken cancellationToken) =>
        OtlpResponses.Of(await CallAsync(_traceClient.ExportAsync, batch.Data, cancellationToken).ConfigureAwait(false));

    private async ValueTask<SendResult> SendMetricsAsync(MetricsBatch batch, CancellationToken cancellationToken) =>
        OtlpResponses.Of(await CallAsync(_metricsClient.ExportAsync, batch.Data, cancellationToken).ConfigureAwait(false));

    private async ValueTask<SendResult> SendLogsAsync(LogsBatch batch, CancellationToken cancellationToken) =>
        OtlpResponses.Of(await CallAsync(_logsClient.ExportAsync, batch.ToOtlp(), cancellationToken).ConfigureAwait(false));

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> export, TRequest request, CancellationToken cancellationToken)
    {
        // The deadline travels with the call (grpc-timeout) so the server stops working on an abandoned request too.
        var options = new CallOptions(_headers, _time.GetUtcNow().UtcDateTime + _timeout, cancellationToken);
        try
        {
            using var call = export(request, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw GrpcFailures.Classify(ex);
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
