using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using RepeatedPoints = Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Metrics.V1.NumberDataPoint>;

namespace Agent.Receivers.Scraping;

/// <summary>
/// Builds what one scraper read into OTLP metrics: one metric per name, its points appended as they are read, so a
/// scraper writes a line per value instead of assembling protobuf messages. Gauges, cumulative counters
/// (monotonic sums) and cumulative up-down counters (non-monotonic sums) cover what host and cgroup files hold.
/// </summary>
public sealed class MetricSetBuilder
{
    private readonly ScopeMetrics _scope;
    private readonly Dictionary<string, Metric> _byName = new(StringComparer.Ordinal);

    public MetricSetBuilder(string scopeName, string scopeVersion = "")
    {
        _scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = scopeName, Version = scopeVersion } };
    }

    /// <summary>The number of points added so far.</summary>
    public int PointCount { get; private set; }

    public void Gauge(string name, string unit, string description, double value, ulong timeUnixNano, params ReadOnlySpan<(string Key, string Value)> attributes) =>
        Add(MetricOf(name, unit, description, static () => new Metric { Gauge = new Gauge() }).Gauge.DataPoints, Point(value, 0, timeUnixNano, attributes));

    /// <summary>A cumulative, monotonic sum: Prometheus' counter.</summary>
    public void Counter(string name, string unit, string description, double value, ulong startTimeUnixNano, ulong timeUnixNano, params ReadOnlySpan<(string Key, string Value)> attributes) =>
        Add(SumOf(name, unit, description, monotonic: true), Point(value, startTimeUnixNano, timeUnixNano, attributes));

    /// <summary>A cumulative sum that may go down (bytes in use, processes by state): a gauge in Prometheus.</summary>
    public void UpDownCounter(string name, string unit, string description, double value, ulong startTimeUnixNano, ulong timeUnixNano, params ReadOnlySpan<(string Key, string Value)> attributes) =>
        Add(SumOf(name, unit, description, monotonic: false), Point(value, startTimeUnixNano, timeUnixNano, attributes));

    /// <summary>The metrics read under <paramref name="resource"/>; the builder may not be used afterwards.</summary>
    public ResourceMetrics Build(Resource? resource = null)
    {
        var group = new ResourceMetrics { Resource = resource ?? new Resource() };
        if (_scope.Metrics.Count > 0)
        {
            group.ScopeMetrics.Add(_scope);
        }

        return group;
    }

    private RepeatedPoints SumOf(string name, string unit, string description, bool monotonic)
    {
        var metric = MetricOf(name, unit, description, () => new Metric
        {
            Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = monotonic },
        });
        if (metric.Sum is null || metric.Sum.IsMonotonic != monotonic)
        {
            throw new InvalidOperationException($"Metric {name} was first added as another type.");
        }

        return metric.Sum.DataPoints;
    }

    private Metric MetricOf(string name, string unit, string description, Func<Metric> create)
    {
        if (!_byName.TryGetValue(name, out var metric))
        {
            metric = create();
            metric.Name = name;
            metric.Unit = unit;
            metric.Description = description;
            _byName.Add(name, metric);
            _scope.Metrics.Add(metric);
        }

        return metric;
    }

    private void Add(RepeatedPoints points, NumberDataPoint point)
    {
        points.Add(point);
        PointCount++;
    }

    private static NumberDataPoint Point(double value, ulong startTimeUnixNano, ulong timeUnixNano, ReadOnlySpan<(string Key, string Value)> attributes)
    {
        var point = new NumberDataPoint { AsDouble = value, StartTimeUnixNano = startTimeUnixNano, TimeUnixNano = timeUnixNano };
        foreach (var (key, text) in attributes)
        {
            point.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = text } });
        }

        return point;
    }
}
