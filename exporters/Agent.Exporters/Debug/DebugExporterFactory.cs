using Agent.Core.Components;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Debug;

/// <summary>The <c>debug</c> exporter type: writes traces, metrics and logs to the agent's log.</summary>
public sealed class DebugExporterFactory : IExporterFactory
{
    public string Type => "debug";

    public Stability Stability => Stability.Development;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new DebugExporterOptions();

    public IExporter CreateExporter(ComponentContext context) => new DebugExporter(
        context.Id,
        (DebugExporterOptions)context.Options,
        context.Host.LoggerFactory.CreateLogger(typeof(DebugExporter).FullName!));
}
