using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Service;

/// <summary>
/// What one receiver feeds, per signal: the pipelines' fan-out behind a <see cref="SwappableConsumer{TBatch}"/>, so
/// a reload can keep the receiver running while the pipelines behind it are replaced. A reload that keeps the
/// receiver makes new inputs over the same swappable consumers with the new fan-outs as targets. Each target goes
/// with whether everything behind it acknowledges on disk and whether it all handles encoded records, which the
/// swappable consumer tells the receiver.
/// </summary>
internal sealed class ReceiverInputs
{
    private readonly SwappableConsumer<TracesBatch>? _traces;
    private readonly SwappableConsumer<MetricsBatch>? _metrics;
    private readonly SwappableConsumer<LogsBatch>? _logs;
    private readonly ReceiverConsumers _targets;
    private readonly OnDiskSignals _onDisk;
    private readonly EncodedSignals _encoded;

    private ReceiverInputs(
        SwappableConsumer<TracesBatch>? traces,
        SwappableConsumer<MetricsBatch>? metrics,
        SwappableConsumer<LogsBatch>? logs,
        ReceiverConsumers targets,
        OnDiskSignals onDisk,
        EncodedSignals encoded,
        string downstream)
    {
        (_traces, _metrics, _logs, _targets, _onDisk, _encoded, Downstream) = (traces, metrics, logs, targets, onDisk, encoded, downstream);
    }

    /// <summary>What the fan-outs lead to (<see cref="Topology"/>'s fingerprints): equal means the same pipeline instances.</summary>
    public string Downstream { get; }

    /// <summary>True while a reload holds this receiver's data at the door.</summary>
    public bool IsPaused => _traces is { Target: null } || _metrics is { Target: null } || _logs is { Target: null };

    /// <summary>The consumers to create the receiver with.</summary>
    public ReceiverConsumers Consumers => new(_traces, _metrics, _logs);

    public static ReceiverInputs For(ReceiverConsumers targets, OnDiskSignals onDisk, EncodedSignals encoded, string downstream) => new(
        targets.Traces is null ? null : new SwappableConsumer<TracesBatch>(targets.Traces, onDisk.Traces, encoded.Traces),
        targets.Metrics is null ? null : new SwappableConsumer<MetricsBatch>(targets.Metrics, onDisk.Metrics, encoded.Metrics),
        targets.Logs is null ? null : new SwappableConsumer<LogsBatch>(targets.Logs, onDisk.Logs, encoded.Logs),
        targets,
        onDisk,
        encoded,
        downstream);

    /// <summary>The same receiver's inputs leading to <paramref name="targets"/> once <see cref="Resume"/> is called; the signals fed are the same.</summary>
    public ReceiverInputs LeadingTo(ReceiverConsumers targets, OnDiskSignals onDisk, EncodedSignals encoded, string downstream) =>
        new(_traces, _metrics, _logs, targets, onDisk, encoded, downstream);

    /// <summary>Holds new data; completes when nothing is still being handed to the old pipelines.</summary>
    public Task PauseAsync() => Task.WhenAll(
        _traces?.PauseAsync() ?? Task.CompletedTask,
        _metrics?.PauseAsync() ?? Task.CompletedTask,
        _logs?.PauseAsync() ?? Task.CompletedTask);

    /// <summary>Sends the held data and all that follows to this instance's targets.</summary>
    public void Resume()
    {
        _traces?.Resume(_targets.Traces!, _onDisk.Traces, _encoded.Traces);
        _metrics?.Resume(_targets.Metrics!, _onDisk.Metrics, _encoded.Metrics);
        _logs?.Resume(_targets.Logs!, _onDisk.Logs, _encoded.Logs);
    }
}
