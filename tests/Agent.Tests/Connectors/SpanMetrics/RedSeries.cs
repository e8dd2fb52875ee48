using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Connectors.SpanMetrics;

/// <summary>
/// Reads the RED series back from OTLP metrics as a test sees them at a backend: the latest point of the calls sum
/// or the duration histogram whose attributes include the given ones, with the resource it came under. Shared by the
/// unit tests (batches a recording consumer kept) and the end-to-end tests (requests a fake backend accepted).
/// </summary>
internal static class RedSeries
{
    public const string Calls = "traces.span.metrics.calls";
    public const string Duration = "traces.span.metrics.duration";

    /// <summary>The last calls point (in request order) whose attributes include <paramref name="attributes"/>.</summary>
    public static NumberDataPoint? LatestCalls(IEnumerable<ExportMetricsServiceRequest> requests, string name, params (string Key, string Value)[] attributes) =>
        Points(requests, name, m => m.Sum?.DataPoints, p => p.Attributes, attributes).LastOrDefault();

    public static HistogramDataPoint? LatestDuration(IEnumerable<ExportMetricsServiceRequest> requests, string name, params (string Key, string Value)[] attributes) =>
        Points(requests, name, m => m.Histogram?.DataPoints, p => p.Attributes, attributes).LastOrDefault();

    /// <summary>Every metric named <paramref name="name"/>, in request order.</summary>
    public static IEnumerable<(ResourceMetrics Resource, Metric Metric)> Metrics(IEnumerable<ExportMetricsServiceRequest> requests, string name) =>
        from request in requests
        from resource in request.ResourceMetrics
        from scope in resource.ScopeMetrics
        from metric in scope.Metrics
        where metric.Name == name
        select (resource, metric);

    /// <summary>A point's attributes as text (<c>key=value</c>), in their order, for whole-set comparisons.</summary>
    public static string[] Labels(RepeatedField<KeyValue> attributes) =>
        [.. attributes.Select(a => $"{a.Key}={Text(a.Value)}")];

    public static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => value.ToString(),
    };

    private static IEnumerable<TPoint> Points<TPoint>(
        IEnumerable<ExportMetricsServiceRequest> requests,
        string name,
        Func<Metric, RepeatedField<TPoint>?> pointsOf,
        Func<TPoint, RepeatedField<KeyValue>> attributesOf,
        (string Key, string Value)[] wanted) =>
        from found in Metrics(requests, name)
        from point in pointsOf(found.Metric) ?? []
        where wanted.All(w => attributesOf(point).Any(a => a.Key == w.Key && Text(a.Value) == w.Value))
        select point;
}
