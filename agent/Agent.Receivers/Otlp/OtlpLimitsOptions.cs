using Agent.Core.Config;

namespace Agent.Receivers.Otlp;

/// <summary>
/// The <c>limits</c> block: the OpenTelemetry SDK's attribute limits, applied by the receiver to what clients send
/// (over both protocols), so a hostile or broken client cannot hand the pipeline a span with a million attributes.
/// Not a Collector key.
/// </summary>
public sealed class OtlpLimitsOptions : IValidatable
{
    /// <summary>
    /// Attributes kept per collection (resource, scope, span, event, link, log record, data point, exemplar); later
    /// ones are dropped and counted in the item's <c>dropped_attributes_count</c>. 0 = no limit. The default is the
    /// SDK's own default, so a client with default limits is never cut.
    /// </summary>
    public int MaxAttributes { get; set; } = 128;

    /// <summary>
    /// Characters kept per string attribute value (each string of an array or map value alike), bytes per bytes
    /// value; longer ones are cut, never inside a character. 0 = no limit, as in the SDK.
    /// </summary>
    public int MaxAttributeValueLength { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (MaxAttributes < 0)
        {
            yield return ("max_attributes", $"must be 0 (no limit) or more, not {MaxAttributes}");
        }

        if (MaxAttributeValueLength < 0)
        {
            yield return ("max_attribute_value_length", $"must be 0 (no limit) or more, not {MaxAttributeValueLength}");
        }
    }
}
