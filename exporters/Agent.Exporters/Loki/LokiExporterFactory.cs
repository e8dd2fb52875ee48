using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.Loki;

/// <summary>The <c>loki</c> exporter type: logs to Loki's push API (snappy protobuf or JSON).</summary>
public sealed class LokiExporterFactory : IExporterFactory
{
    public string Type => "loki";

    public Stability Stability => Stability.Alpha;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Logs];

    public object CreateDefaultOptions() => new LokiExporterOptions();

    public IExporter CreateExporter(ComponentContext context) =>
        new LokiExporter(context.Id, (LokiExporterOptions)context.Options, context.Host.LoggerFactory);
}
