using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>The data point attributes of a new series, in the Collector's order: the four defaults, then the configured dimensions.</summary>
internal static class SpanSeriesAttributes
{
    public static IReadOnlyList<KeyValue> Build(SpanMetricsPlan plan, in SpanSeriesKey key)
    {
        var attributes = new List<KeyValue>(4 + key.Dimensions.Length);
        if (plan.IncludeService)
        {
            attributes.Add(Text(SpanDimensionNames.ServiceName, key.Service ?? string.Empty));
        }

        if (plan.IncludeSpanName)
        {
            attributes.Add(Text(SpanDimensionNames.SpanName, key.SpanName ?? string.Empty));
        }

        if (plan.IncludeKind)
        {
            attributes.Add(Text(SpanDimensionNames.SpanKind, SpanDimensionNames.KindName((Span.Types.SpanKind)key.Kind)));
        }

        if (plan.IncludeStatus)
        {
            attributes.Add(Text(SpanDimensionNames.StatusCode, SpanDimensionNames.StatusName((Status.Types.StatusCode)key.Status)));
        }

        for (int i = 0; i < key.Dimensions.Length; i++)
        {
            if (key.Dimensions[i] is { } value)
            {
                // The value keeps its type (an int status code stays an int), as the Collector copies it.
                attributes.Add(new KeyValue { Key = plan.DimensionNames[i], Value = value.Clone() });
            }
        }

        return attributes;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
