using Agent.Core.Components;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>The <c>otlp</c> exporter type: OTLP over gRPC, for traces, metrics and logs.</summary>
public sealed class OtlpExporterFactory : IExporterFactory
{
    public string Type => "otlp";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new OtlpExporterOptions();

    public IExporter CreateExporter(ComponentContext context) => new OtlpExporter(
        context.Id,
        (OtlpExporterOptions)context.Options,
        context.Host.LoggerFactory.CreateLogger(typeof(OtlpExporter).FullName!));
}
