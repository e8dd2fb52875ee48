using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.Otlp;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.OtlpHttp;

/// <summary>
/// Sends traces, metrics and logs over OTLP/HTTP (protobuf), each signal to its own URL through its own sending
/// queue. Each batch is encoded (and gzipped) once; retries resend those bytes. Refused parts of accepted requests
/// are counted as dropped.
/// </summary>
public sealed class OtlpHttpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpHttpExporterOptions options, TimeProvider? time = null)
    : OtlpSignalExporter(context, signals, options, new OtlpHttpSender(options, SignalUrls(context.Id, options), time, context.CreateLogger<OtlpHttpExporter>()), options.UsesGzip, context.CreateLogger<OtlpHttpExporter>(), time)
{
    /// <summary>Every signal's URL, resolved now so a bad one fails the start-up rather than the first send.</summary>
    private static Func<Signal, Uri> SignalUrls(ComponentId id, OtlpHttpExporterOptions options)
    {
        var traces = options.UrlFor(Signal.Traces) ?? throw NoUrl(id, Signal.Traces);
        var metrics = options.UrlFor(Signal.Metrics) ?? throw NoUrl(id, Signal.Metrics);
        var logs = options.UrlFor(Signal.Logs) ?? throw NoUrl(id, Signal.Logs);
        return signal => signal switch
        {
            Signal.Traces => traces,
            Signal.Metrics => metrics,
            _ => logs,
        };
    }

    private static ArgumentException NoUrl(ComponentId id, Signal signal) =>
        new($"exporter {id}: no usable URL for {signal.ConfigName()} (set endpoint or {signal.ConfigName()}_endpoint)");
}
