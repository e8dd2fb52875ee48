using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Service;

namespace Agent.Config;

/// <summary>Where a pipeline names a connector: as one of its exporters or one of its receivers, at a key path.</summary>
internal sealed record ConnectorUse(ComponentId Id, PipelineId Pipeline, bool AsExporter, string Path);

/// <summary>
/// The rules of connectors, as in the Collector: an id is a connector or a receiver/exporter, never both; a
/// connector named as an exporter needs a pipeline that takes what it makes as a receiver, and the other way round;
/// and the pipelines must not form a cycle through connectors.
/// </summary>
internal static class ConnectorValidation
{
    public static void RefuseAmbiguousIds(AgentConfig config, ConfigBinder binder)
    {
        foreach (var id in config.Connectors.Keys)
        {
            foreach (var kind in (ComponentKind[])[ComponentKind.Receiver, ComponentKind.Exporter])
            {
                if (config.Section(kind).ContainsKey(id))
                {
                    binder.ErrorAt($"connectors.{id}", $"ambiguous id: \"{id}\" is both a {kind.ToString().ToLowerInvariant()} and a connector");
                }
            }
        }
    }

    /// <summary>True when the connector has a route that starts (as exporter) or ends (as receiver) in <paramref name="signal"/>.</summary>
    public static bool CheckSide(ComponentConfig connector, bool asExporter, Signal signal, string path, ConfigBinder binder)
    {
        var factory = (IConnectorFactory)connector.Factory;
        if (factory.Routes.Any(r => (asExporter ? r.From : r.To) == signal))
        {
            return true;
        }

        string side = asExporter ? "an exporter" : "a receiver";
        binder.ErrorAt(path, $"connector \"{connector.Id}\" cannot be {side} in a {signal.ConfigName()} pipeline; it supports: {string.Join(", ", factory.Routes)}");
        return false;
    }

    /// <summary>Checks every use has a partner pipeline, then that no cycle runs through connectors.</summary>
    public static void Validate(AgentConfig config, IReadOnlyList<ConnectorUse> uses, ConfigBinder binder)
    {
        bool paired = true;
        foreach (var use in uses)
        {
            var factory = (IConnectorFactory)config.Connectors[use.Id].Factory;
            var partners = uses.Where(other => other.Id == use.Id && other.AsExporter != use.AsExporter && factory.Routes.Contains(use.AsExporter
                ? new SignalRoute(use.Pipeline.Signal, other.Pipeline.Signal)
                : new SignalRoute(other.Pipeline.Signal, use.Pipeline.Signal)));
            if (partners.Any())
            {
                continue;
            }

            paired = false;
            binder.ErrorAt(use.Path, use.AsExporter
                ? $"connector \"{use.Id}\" is an exporter of {use.Pipeline} but no pipeline names it as a receiver to take its {use.Pipeline.Signal.ConfigName()} (it supports: {string.Join(", ", factory.Routes)})"
                : $"connector \"{use.Id}\" is a receiver of {use.Pipeline} but no pipeline names it as an exporter to feed it {use.Pipeline.Signal.ConfigName()} (it supports: {string.Join(", ", factory.Routes)})");
        }

        if (paired && uses.Count > 0 && PipelineGraph.Of(config).FindCycle() is { } cycle)
        {
            binder.ErrorAt($"service.pipelines.{cycle[0]}", $"the pipelines form a cycle through connectors: {string.Join(" → ", cycle)}");
        }
    }
}
