using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>
/// What the two OTLP exporters share: one <see cref="RequestExporter{TBatch}"/> per signal the exporter was built for,
/// all sending through one sender, started and drained together so a slow signal never holds up another, and the
/// sender's connection released once they have drained.
/// </summary>
public abstract class OtlpSignalExporter : IExporter
{
    private readonly IRequestSender _sender;

    protected OtlpSignalExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpClientOptions options, IRequestSender sender, bool gzipBodies, ILogger logger, TimeProvider? time)
    {
        _sender = sender;
        var telemetry = context.ExporterTelemetry();
        var storage = QueueStorage.Locate(context, options.SendingQueue);
        RequestExporter<TBatch>? For<TBatch>(Signal signal, Func<TBatch, Google.Protobuf.IMessage> message)
            where TBatch : Batch =>
            signals.Contains(signal)
                ? new(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, new OtlpRequestEncoder<TBatch>(message, gzipBodies), sender, logger, time, storage)
                : null;

        TracesQueue = For<TracesBatch>(Signal.Traces, batch => batch.Message);
        MetricsQueue = For<MetricsBatch>(Signal.Metrics, batch => batch.Message);
        LogsQueue = For<LogsBatch>(Signal.Logs, batch => batch.Message);
    }

    public IConsumer<TracesBatch>? Traces => TracesQueue;

    public IConsumer<MetricsBatch>? Metrics => MetricsQueue;

    public IConsumer<LogsBatch>? Logs => LogsQueue;

    private RequestExporter<TracesBatch>? TracesQueue { get; }

    private RequestExporter<MetricsBatch>? MetricsQueue { get; }

    private RequestExporter<LogsBatch>? LogsQueue { get; }

    private IEnumerable<IComponent> Queues => new IComponent?[] { TracesQueue, MetricsQueue, LogsQueue }.OfType<IComponent>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues)
        {
            await queue.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drains the queues side by side until the deadline, then closes the connection.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Queues.Select(queue => queue.ShutdownAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            (_sender as IDisposable)?.Dispose();
        }
    }
}
