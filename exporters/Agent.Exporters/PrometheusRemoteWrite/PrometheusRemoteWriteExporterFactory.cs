using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>The <c>prometheusremotewrite</c> exporter type: metrics to a Prometheus remote-write 1.0 endpoint.</summary>
public sealed class PrometheusRemoteWriteExporterFactory()
    : ExporterFactory<PrometheusRemoteWriteExporterOptions>("prometheusremotewrite", Stability.Alpha, Signal.Metrics)
{
    protected override IExporter Create(ComponentContext context, PrometheusRemoteWriteExporterOptions options, IReadOnlySet<Signal> signals) =>
        new PrometheusRemoteWriteExporter(context, options);
}
