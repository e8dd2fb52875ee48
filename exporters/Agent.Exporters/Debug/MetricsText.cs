using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Exporters.Debug;

/// <summary>The debug exporter's text for metrics, one entry per data point.</summary>
internal static class MetricsText
{
    /// <summary>One line per data point: metric name, attributes and value.</summary>
    public static void AppendNormal(StringBuilder text, ExportMetricsServiceRequest data)
    {
        foreach (var group in data.ResourceMetrics)
        {
            foreach (var scope in group.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics)
                {
                    foreach (var (attributes, _, value) in Points(metric))
                    {
                        text.Append(metric.Name);
                        if (attributes.Count > 0)
                        {
                            text.Append('{');
                            DebugText.AppendInline(text, attributes);
                            text.Append('}');
                        }

                        text.Append(' ').AppendLine(value);
                    }
                }
            }
        }
    }

    /// <summary>Every metric with its type and every data point, under its resource and scope.</summary>
    public static void AppendDetailed(StringBuilder text, ExportMetricsServiceRequest data)
    {
        for (int r = 0; r < data.ResourceMetrics.Count; r++)
        {
            var group = data.ResourceMetrics[r];
            text.Append("ResourceMetrics #").Append(r).AppendLine();
            DebugText.AppendResource(text, group.Resource, group.SchemaUrl);
            for (int s = 0; s < group.ScopeMetrics.Count; s++)
            {
                var scope = group.ScopeMetrics[s];
                text.Append("ScopeMetrics #").Append(s).AppendLine();
                DebugText.AppendScope(text, scope.Scope, scope.SchemaUrl);
                for (int m = 0; m < scope.Metrics.Count; m++)
                {
                    var metric = scope.Metrics[m];
                    text.Append("Metric #").Append(m).AppendLine();
                    text.AppendLine("Descriptor:");
                    DebugText.AppendField(text, "-> Name", metric.Name, "     ");
                    DebugText.AppendField(text, "-> Description", metric.Description, "     ");
                    DebugText.AppendField(text, "-> Unit", metric.Unit, "     ");
                    DebugText.AppendField(text, "-> DataType", metric.DataCase.ToString(), "     ");
                    if (Temporality(metric) is { } temporality)
                    {
                        DebugText.AppendField(text, "-> Temporality", temporality, "     ");
                    }

                    int p = 0;
                    foreach (var (attributes, time, value) in Points(metric))
                    {
                        text.Append("DataPoint #").Append(p++).AppendLine();
                        DebugText.AppendBlock(text, "Data point attributes", attributes);
                        DebugText.AppendField(text, "Timestamp", DebugText.Time(time));
                        DebugText.AppendField(text, "Value", value);
                    }
                }
            }
        }
    }

    private static string? Temporality(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => $"{metric.Sum.AggregationTemporality} monotonic={metric.Sum.IsMonotonic}",
        Metric.DataOneofCase.Histogram => metric.Histogram.AggregationTemporality.ToString(),
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.AggregationTemporality.ToString(),
        _ => null,
    };

    /// <summary>Each data point of a metric as attributes, time and a printable value, whatever its type.</summary>
    private static IEnumerable<(RepeatedField<KeyValue> Attributes, ulong Time, string Value)> Points(Metric metric)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                return metric.Gauge.DataPoints.Select(p => (p.Attributes, p.TimeUnixNano, Number(p)));
            case Metric.DataOneofCase.Sum:
                return metric.Sum.DataPoints.Select(p => (p.Attributes, p.TimeUnixNano, Number(p)));
            case Metric.DataOneofCase.Histogram:
                return metric.Histogram.DataPoints.Select(p => (p.Attributes, p.TimeUnixNano,
                    $"count={p.Count} sum={Format(p.Sum)} buckets=[{string.Join(",", p.BucketCounts)}] bounds=[{string.Join(",", p.ExplicitBounds.Select(Format))}]"));
            case Metric.DataOneofCase.ExponentialHistogram:
                return metric.ExponentialHistogram.DataPoints.Select(p => (p.Attributes, p.TimeUnixNano,
                    $"count={p.Count} sum={Format(p.Sum)} scale={p.Scale} zero_count={p.ZeroCount}"));
            case Metric.DataOneofCase.Summary:
                return metric.Summary.DataPoints.Select(p => (p.Attributes, p.TimeUnixNano,
                    $"count={p.Count} sum={Format(p.Sum)} quantiles=[{string.Join(",", p.QuantileValues.Select(q => $"{Format(q.Quantile)}:{Format(q.Value)}"))}]"));
            default:
                return [];
        }
    }

    private static string Number(NumberDataPoint point) => point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt
        ? point.AsInt.ToString(CultureInfo.InvariantCulture)
        : Format(point.AsDouble);

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
