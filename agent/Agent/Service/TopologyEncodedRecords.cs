using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Service;

/// <summary>Per signal, whether everything a receiver feeds handles encoded records (see <see cref="IHandlesEncodedRecords"/>).</summary>
internal readonly record struct EncodedSignals(bool Traces, bool Metrics, bool Logs);

/// <summary>
/// Which receivers feed only components that handle batches whose records stay encoded, per signal: then the
/// <c>otlp</c> receiver leaves spans, data points and log records as the bytes they arrived in. A pipeline qualifies
/// when each of its processors and exporters says so and each connector it feeds does and leads only to pipelines
/// that qualify (built before it: pipelines are wired downstream first).
/// </summary>
internal sealed partial class Topology
{
    private readonly Dictionary<PipelineId, bool> _encodedPipelines = [];

    private EncodedSignals HandlesEncodedRecords(ComponentId receiver) =>
        new(HandlesEncodedRecords(receiver, Signal.Traces), HandlesEncodedRecords(receiver, Signal.Metrics), HandlesEncodedRecords(receiver, Signal.Logs));

    private bool HandlesEncodedRecords(ComponentId receiver, Signal signal)
    {
        var pipelines = _config.Pipelines.Where(p => p.Id.Signal == signal && p.Receivers.Contains(receiver)).ToList();
        return pipelines.Count > 0 && pipelines.TrueForAll(p => _encodedPipelines[p.Id]);
    }

    private static bool HandlesEncodedRecords(object component) => component is IHandlesEncodedRecords { HandlesEncodedRecords: true };

    private bool ConnectorHandlesEncodedRecords(object connector, ComponentId id, PipelineConfig from, Signal to) =>
        HandlesEncodedRecords(connector) && _graph.Downstream(id, from).Where(p => p.Id.Signal == to).All(p => _encodedPipelines[p.Id]);
}
