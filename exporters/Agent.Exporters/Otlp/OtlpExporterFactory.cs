using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.Otlp;

/// <summary>The <c>otlp</c> exporter type: OTLP over gRPC, for traces, metrics and logs.</summary>
public sealed class OtlpExporterFactory()
    : ExporterFactory<OtlpExporterOptions>("otlp", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IExporter Create(ComponentContext context, OtlpExporterOptions options, IReadOnlySet<Signal> signals) =>
        new OtlpExporter(context, signals, options);
}
