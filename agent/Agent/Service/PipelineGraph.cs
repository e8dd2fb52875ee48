using Agent.Config;
using Agent.Core.Components;

namespace Agent.Service;

/// <summary>
/// The pipelines as a graph: an edge runs from pipeline P to pipeline Q through connector C when C is one of P's
/// exporters and one of Q's receivers and C turns P's signal into Q's. Inside a pipeline the stages form a chain,
/// so a cycle of components is a cycle of these edges.
/// </summary>
internal sealed class PipelineGraph
{
    private readonly AgentConfig _config;
    private readonly Dictionary<PipelineId, List<(ComponentId Connector, PipelineConfig To)>> _edges = [];

    private PipelineGraph(AgentConfig config)
    {
        _config = config;
        foreach (var from in config.Pipelines)
        {
            _edges[from.Id] = [.. from.Exporters
                .Where(config.Connectors.ContainsKey)
                .SelectMany(connector => Downstream(connector, from).Select(to => (connector, to)))];
        }
    }

    public static PipelineGraph Of(AgentConfig config) => new(config);

    /// <summary>The pipelines that take what <paramref name="connector"/> makes of <paramref name="from"/>'s data, in configuration order.</summary>
    public IEnumerable<PipelineConfig> Downstream(ComponentId connector, PipelineConfig from)
    {
        var factory = (IConnectorFactory)_config.Connectors[connector].Factory;
        return _config.Pipelines.Where(to =>
            to.Receivers.Contains(connector) && factory.Routes.Contains(new SignalRoute(from.Id.Signal, to.Id.Signal)));
    }

    /// <summary>
    /// The first cycle found, as the pipelines and connectors along it, starting and ending with the same pipeline
    /// (<c>traces/a → forward → traces/b → forward/2 → traces/a</c>); null when the graph has none.
    /// </summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var state = new Dictionary<PipelineId, bool>(); // false: on the current path; true: fully explored
        var path = new List<(PipelineId Pipeline, ComponentId? Via)>();
        foreach (var pipeline in _config.Pipelines)
        {
            if (Visit(pipeline.Id, null, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>Every pipeline, each after all the pipelines that feed it through connectors; requires no cycle.</summary>
    public IReadOnlyList<PipelineConfig> UpstreamFirst()
    {
        var feeders = _config.Pipelines.ToDictionary(p => p.Id, _ => 0);
        foreach (var edge in _edges.Values.SelectMany(e => e))
        {
            feeders[edge.To.Id]++;
        }

        var order = new List<PipelineConfig>();
        var ready = new Queue<PipelineConfig>(_config.Pipelines.Where(p => feeders[p.Id] == 0));
        while (ready.TryDequeue(out var pipeline))
        {
            order.Add(pipeline);
            foreach (var (_, to) in _edges[pipeline.Id])
            {
                if (--feeders[to.Id] == 0)
                {
                    ready.Enqueue(to);
                }
            }
        }

        return order.Count == _config.Pipelines.Count
            ? order
            : throw new InvalidOperationException($"the pipelines form a cycle: {string.Join(" → ", FindCycle() ?? [])}");
    }

    private List<string>? Visit(PipelineId id, ComponentId? via, Dictionary<PipelineId, bool> state, List<(PipelineId Pipeline, ComponentId? Via)> path)
    {
        if (state.TryGetValue(id, out bool done))
        {
            if (done)
            {
                return null;
            }

            // Back on the current path: the cycle is the path from that pipeline on, closed by this edge.
            int start = path.FindIndex(step => step.Pipeline == id);
            var names = new List<string> { id.ToString() };
            foreach (var (pipeline, step) in path.Skip(start + 1).Append((id, via)))
            {
                names.Add(step!.Value.ToString());
                names.Add(pipeline.ToString());
            }

            return names;
        }

        state[id] = false;
        path.Add((id, via));
        foreach (var (connector, to) in _edges[id])
        {
            if (Visit(to.Id, connector, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[id] = true;
        return null;
    }
}
