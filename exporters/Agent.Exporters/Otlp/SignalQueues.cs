using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>
/// One <see cref="RequestExporter{TBatch}"/> per signal the exporter was built for, sharing one sender, started and
/// stopped together, so a slow signal never holds up another.
/// </summary>
public sealed class SignalQueues
{
    public SignalQueues(ComponentContext context, IReadOnlySet<Signal> signals, OtlpClientOptions options, IRequestSender sender, bool gzipBodies, ILogger logger, TimeProvider? time)
    {
        var telemetry = context.ExporterTelemetry();
        RequestExporter<TBatch>? For<TBatch>(Signal signal, Func<TBatch, Google.Protobuf.IMessage> message)
            where TBatch : Batch =>
            signals.Contains(signal)
                ? new(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, new OtlpRequestEncoder<TBatch>(message, gzipBodies), sender, logger, time)
                : null;

        Traces = For<TracesBatch>(Signal.Traces, batch => batch.Data);
        Metrics = For<MetricsBatch>(Signal.Metrics, batch => batch.Data);
        Logs = For<LogsBatch>(Signal.Logs, batch => batch.ToOtlp());
    }

    public RequestExporter<TracesBatch>? Traces { get; }

    public RequestExporter<MetricsBatch>? Metrics { get; }

    public RequestExporter<LogsBatch>? Logs { get; }

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
