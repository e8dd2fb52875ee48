using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Exporters.Otlp;
using Agent.Exporters.Sending;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Exporters.OtlpHttp;

/// <summary>
/// Sends traces, metrics and logs over OTLP/HTTP (protobuf), each signal to its own URL through its own sending
/// queue. Refused parts of accepted requests are counted as dropped.
/// </summary>
public sealed class OtlpHttpExporter : IExporter
{
    private readonly OtlpHttpSender _sender;
    private readonly SignalQueues _queues;

    public OtlpHttpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpHttpExporterOptions options, TimeProvider? time = null)
    {
        TracesUrl = options.UrlFor(Signal.Traces) ?? throw NoUrl(context.Id, Signal.Traces);
        MetricsUrl = options.UrlFor(Signal.Metrics) ?? throw NoUrl(context.Id, Signal.Metrics);
        LogsUrl = options.UrlFor(Signal.Logs) ?? throw NoUrl(context.Id, Signal.Logs);
        _sender = new OtlpHttpSender(options, time);
        _queues = new SignalQueues(context, signals, options, context.CreateLogger<OtlpHttpExporter>(), time, SendTracesAsync, SendMetricsAsync, SendLogsAsync);
    }

    public Uri TracesUrl { get; }

    public Uri MetricsUrl { get; }

    public Uri LogsUrl { get; }

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
            _sender.Dispose();
        }
    }

    private async ValueTask<SendResult> SendTracesAsync(TracesBatch batch, CancellationToken cancellationToken) =>
        await _sender.PostAsync(TracesUrl, batch.Data, ExportTraceServiceResponse.Parser, cancellationToken).ConfigureAwait(false) is { } response
            ? OtlpResponses.Of(response)
            : SendResult.Accepted;

    private async ValueTask<SendResult> SendMetricsAsync(MetricsBatch batch, CancellationToken cancellationToken) =>
        await _sender.PostAsync(MetricsUrl, batch.Data, ExportMetricsServiceResponse.Parser, cancellationToken).ConfigureAwait(false) is { } response
            ? OtlpResponses.Of(response)
            : SendResult.Accepted;

    private async ValueTask<SendResult> SendLogsAsync(LogsBatch batch, CancellationToken cancellationToken) =>
        await _sender.PostAsync(LogsUrl, batch.ToOtlp(), ExportLogsServiceResponse.Parser, cancellationToken).ConfigureAwait(false) is { } response
            ? OtlpResponses.Of(response)
            : SendResult.Accepted;

    private static ArgumentException NoUrl(ComponentId id, Signal signal) =>
        new($"exporter {id}: no usable URL for {signal.ConfigName()} (set endpoint or {signal.ConfigName()}_endpoint)");
}
