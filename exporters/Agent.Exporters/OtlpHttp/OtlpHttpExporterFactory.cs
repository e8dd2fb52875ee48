using Agent.Core.Components;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.OtlpHttp;

/// <summary>The <c>otlphttp</c> exporter type: OTLP over HTTP with protobuf bodies, for traces, metrics and logs.</summary>
public sealed class OtlpHttpExporterFactory : IExporterFactory
{
    public string Type => "otlphttp";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new OtlpHttpExporterOptions();

    public IExporter CreateExporter(ComponentContext context) => new OtlpHttpExporter(
        context.Id,
        (OtlpHttpExporterOptions)context.Options,
        context.Host.LoggerFactory.CreateLogger(typeof(OtlpHttpExporter).FullName!));
}
