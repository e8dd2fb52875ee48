using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.Sending;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>One sending queue per signal the exporter was built for, started and stopped together, so a slow signal never holds up another.</summary>
public sealed class SignalQueues
{
    public SignalQueues(
        ComponentContext context,
        IReadOnlySet<Signal> signals,
        OtlpClientOptions options,
        ILogger logger,
        TimeProvider? time,
        SendBatchWithResult<TracesBatch> sendTraces,
        SendBatchWithResult<MetricsBatch> sendMetrics,
        SendBatchWithResult<LogsBatch> sendLogs)
    {
        var telemetry = context.ExporterTelemetry();
        Traces = signals.Contains(Signal.Traces) ? new(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendTraces, logger, time) : null;
        Metrics = signals.Contains(Signal.Metrics) ? new(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendMetrics, logger, time) : null;
        Logs = signals.Contains(Signal.Logs) ? new(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, sendLogs, logger, time) : null;
    }

    public SendingQueue<TracesBatch>? Traces { get; }

    public SendingQueue<MetricsBatch>? Metrics { get; }

    public SendingQueue<LogsBatch>? Logs { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in All)
        {
            await queue.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drains the three queues side by side until the deadline.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(All.Select(queue => queue.ShutdownAsync(cancellationToken)));

    private IEnumerable<IComponent> All => new IComponent?[] { Traces, Metrics, Logs }.OfType<IComponent>();
}
