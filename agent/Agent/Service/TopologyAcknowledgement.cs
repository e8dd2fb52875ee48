using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Service;

/// <summary>Per signal, whether what a receiver feeds acknowledges on disk (see <see cref="IAcknowledgesOnDisk"/>).</summary>
internal readonly record struct OnDiskSignals(bool Traces, bool Metrics, bool Logs);

/// <summary>
/// Which receivers feed only exporters that acknowledge on disk, per signal: the fact the <c>otlp</c> receiver's
/// default answer follows (on disk: answered once written there; else at acceptance).
/// </summary>
internal sealed partial class Topology
{
    private OnDiskSignals AcknowledgesOnDisk(ComponentId receiver) =>
        new(AcknowledgesOnDisk<TracesBatch>(receiver), AcknowledgesOnDisk<MetricsBatch>(receiver), AcknowledgesOnDisk<LogsBatch>(receiver));

    /// <summary>
    /// True when <paramref name="receiver"/> feeds pipelines of <typeparamref name="TBatch"/>'s signal and each of
    /// them ends only in exporters that acknowledge on disk. A connector makes it false, whatever lies behind it:
    /// some emit new data whose fate the receiver's batch does not follow (spanmetrics), so a batch could be
    /// acknowledged with nothing on disk; the receiver then answers at acceptance, as it says.
    /// </summary>
    private bool AcknowledgesOnDisk<TBatch>(ComponentId receiver)
        where TBatch : Batch
    {
        var pipelines = _config.Pipelines
            .Where(p => p.Id.Signal == SignalNames.OfBatch<TBatch>() && p.Receivers.Contains(receiver))
            .ToList();
        return pipelines.Count > 0 && pipelines.TrueForAll(p => p.Exporters.All(id =>
            !_config.Connectors.ContainsKey(id) && _exporters[id].ConsumerFor<TBatch>() is IAcknowledgesOnDisk { AcknowledgesOnDisk: true }));
    }
}
