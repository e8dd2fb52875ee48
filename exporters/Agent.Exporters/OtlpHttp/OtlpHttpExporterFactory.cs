using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.OtlpHttp;

/// <summary>The <c>otlphttp</c> exporter type: OTLP over HTTP with protobuf bodies, for traces, metrics and logs.</summary>
public sealed class OtlpHttpExporterFactory()
    : ExporterFactory<OtlpHttpExporterOptions>("otlphttp", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IExporter Create(ComponentContext context, OtlpHttpExporterOptions options, IReadOnlySet<Signal> signals) =>
        new OtlpHttpExporter(context, signals, options);
}
