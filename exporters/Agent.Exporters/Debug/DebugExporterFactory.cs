using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.Debug;

/// <summary>The <c>debug</c> exporter type: writes traces, metrics and logs to the agent's log.</summary>
public sealed class DebugExporterFactory()
    : ExporterFactory<DebugExporterOptions>("debug", Stability.Development, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IExporter Create(ComponentContext context, DebugExporterOptions options, IReadOnlySet<Signal> signals) =>
        new DebugExporter(context, options);
}
