using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.Sending;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>One sending queue per signal, started and stopped together, so a slow signal never holds up another.</summary>
public sealed class SignalQueues
{
    public SignalQueues(
        ComponentId exporter,
        OtlpClientOptions options,
        ILogger logger,
        TimeProvider? time,
        SendBatchWithResult<TracesBatch> sendTraces,
        SendBatchWithResult<MetricsBatch> sendMetrics,
        SendBatchWithResult<LogsBatch> sendLogs)
    {
        Traces = new SendingQueue<TracesBatch>(exporter, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendTraces, logger, time);
        Metrics = new SendingQueue<MetricsBatch>(exporter, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendMetrics, logger, time);
        Logs = new SendingQueue<LogsBatch>(exporter, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendLogs, logger, time);
    }

    public SendingQueue<TracesBatch> Traces { get; }

    public SendingQueue<MetricsBatch> Metrics { get; }

    public SendingQueue<LogsBatch> Logs { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Traces.StartAsync(cancellationToken).ConfigureAwait(false);
        await Metrics.StartAsync(cancellationToken).ConfigureAwait(false);
        await Logs.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drains the three queues side by side until the deadline.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Traces.ShutdownAsync(cancellationToken),
        Metrics.ShutdownAsync(cancellationToken),
        Logs.ShutdownAsync(cancellationToken));
}
