using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.Loki;

/// <summary>The <c>loki</c> exporter type: logs to Loki's push API (snappy protobuf or JSON).</summary>
public sealed class LokiExporterFactory()
    : ExporterFactory<LokiExporterOptions>("loki", Stability.Alpha, Signal.Logs)
{
    protected override IExporter Create(ComponentContext context, LokiExporterOptions options, IReadOnlySet<Signal> signals) =>
        new LokiExporter(context, options);
}
