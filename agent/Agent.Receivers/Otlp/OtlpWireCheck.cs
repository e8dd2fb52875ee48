using Agent.Core.Model;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Whether one encoded scope group may pass as it arrived: it parses, its strings are valid UTF-8, its ids have
/// the right lengths and its attributes are within the receiver's limits, so the full path would change nothing.
/// This version decodes the scope and asks the full path's own checks (slow, but the reference).
/// </summary>
internal static class OtlpWireCheck
{
    public static bool IsClean(ReadOnlySpan<byte> scope, Signal signal, OtlpLimitsOptions limits)
    {
        try
        {
            return signal switch
            {
                Signal.Traces => IsClean(new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { ScopeSpans.Parser.ParseFrom(scope) } } } }, limits),
                Signal.Metrics => IsClean(new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { ScopeMetrics = { ScopeMetrics.Parser.ParseFrom(scope) } } } }, limits),
                _ => IsClean(new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { ScopeLogs = { ScopeLogs.Parser.ParseFrom(scope) } } } }, limits),
            };
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static bool IsClean(ExportTraceServiceRequest request, OtlpLimitsOptions limits) =>
        OtlpIdValidation.RemoveInvalid(request) == 0 && Untouched(OtlpAttributeLimits.Apply(request, limits));

    private static bool IsClean(ExportMetricsServiceRequest request, OtlpLimitsOptions limits) =>
        Untouched(OtlpAttributeLimits.Apply(request, limits));

    private static bool IsClean(ExportLogsServiceRequest request, OtlpLimitsOptions limits) =>
        OtlpIdValidation.RemoveInvalid(request) == 0 && Untouched(OtlpAttributeLimits.Apply(request, limits));

    private static bool Untouched(AttributeLimiter limiter) => limiter.Dropped == 0 && limiter.Truncated == 0;
}
