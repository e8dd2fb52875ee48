using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Exporters.Otlp;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.OtlpHttp;

/// <summary>
/// Sends traces, metrics and logs over OTLP/HTTP (protobuf), each signal to its own URL through its own sending
/// queue. Each batch is encoded (and gzipped) once; retries resend those bytes. Refused parts of accepted requests
/// are counted as dropped.
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
        _sender = new OtlpHttpSender(options, UrlFor, time);
        _queues = new SignalQueues(context, signals, options, _sender, options.UsesGzip, context.CreateLogger<OtlpHttpExporter>(), time);
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

    private Uri UrlFor(Signal signal) => signal switch
    {
        Signal.Traces => TracesUrl,
        Signal.Metrics => MetricsUrl,
        _ => LogsUrl,
    };

    private static ArgumentException NoUrl(ComponentId id, Signal signal) =>
        new($"exporter {id}: no usable URL for {signal.ConfigName()} (set endpoint or {signal.ConfigName()}_endpoint)");
}
