using Agent.Core.Model;
using Agent.Receivers.Otlp.WireCheck;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Tells, from its encoded bytes alone, whether one scope of an OTLP request (a ScopeSpans, ScopeMetrics or
/// ScopeLogs message) would come out of the full path unchanged: it parses (well-formed wire format, valid UTF-8 in
/// every string, nesting within the parser's limit), <see cref="OtlpIdValidation"/> would remove none of its items,
/// and <see cref="OtlpAttributeLimits"/> would neither drop nor cut an attribute. Such a scope can travel as the
/// bytes it came in. One pass over the bytes, no allocation, counting the scope's items on the way. False is always
/// safe (the scope then takes the full path), so anything unusual gets false: a known field with an unexpected wire
/// type, groups, a duplicate field that the parser would merge over something invalid.
/// </summary>
internal static class OtlpWireCheck
{
    /// <summary>The nesting level of a scope message in its export request (request → resource group → scope).</summary>
    private const int ScopeLevel = 2;

    public static bool IsClean(ReadOnlySpan<byte> scope, Signal signal, OtlpLimitsOptions limits) => IsClean(scope, signal, limits, out _);

    /// <summary>
    /// As <see cref="IsClean(ReadOnlySpan{byte}, Signal, OtlpLimitsOptions)"/>, and the scope's items as the parsed
    /// batch would count them (spans, data points, log records), read in the same pass; meaningful only when clean.
    /// </summary>
    public static bool IsClean(ReadOnlySpan<byte> scope, Signal signal, OtlpLimitsOptions limits, out int items)
    {
        var bounds = new AttributeBounds(limits.MaxAttributes, limits.MaxAttributeValueLength);
        items = 0;
        return signal switch
        {
            Signal.Traces => TracesCheck.ScopeSpans(scope, bounds, ScopeLevel, out items),
            Signal.Metrics => MetricsCheck.ScopeMetrics(scope, bounds, ScopeLevel, out items),
            Signal.Logs => LogsCheck.ScopeLogs(scope, bounds, ScopeLevel, out items),
            _ => false,
        };
    }
}
