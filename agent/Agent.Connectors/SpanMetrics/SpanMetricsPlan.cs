using OpenTelemetry.Proto.Common.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// The options turned into what the hot path reads: metric names, bounds in the histogram's unit, which default
/// dimensions count, the configured dimensions with their defaults as ready values, and the limits.
/// </summary>
internal sealed class SpanMetricsPlan
{
    public SpanMetricsPlan(SpanMetricsConnectorOptions options)
    {
        string prefix = options.Namespace.Length == 0 ? string.Empty : options.Namespace + ".";
        CallsName = prefix + "calls";
        DurationName = prefix + "duration";
        HistogramEnabled = !options.Histogram.Disable;
        bool seconds = options.Histogram.Unit == DurationUnit.S;
        Unit = seconds ? "s" : "ms";
        NanosPerUnit = seconds ? 1e9 : 1e6;
        Bounds = [.. options.Histogram.Explicit.Buckets.Select(b => b.Ticks * 100 / NanosPerUnit)];
        IncludeService = !options.ExcludeDimensions.Contains(SpanDimensionNames.ServiceName);
        IncludeSpanName = !options.ExcludeDimensions.Contains(SpanDimensionNames.SpanName);
        IncludeKind = !options.ExcludeDimensions.Contains(SpanDimensionNames.SpanKind);
        IncludeStatus = !options.ExcludeDimensions.Contains(SpanDimensionNames.StatusCode);
        DimensionNames = [.. options.Dimensions.Select(d => d.Name!)];
        DimensionDefaults = [.. options.Dimensions.Select(d => d.Default is null ? null : new AnyValue { StringValue = d.Default })];
        ResourceKeyAttributes = options.ResourceMetricsKeyAttributes.Count == 0 ? null : [.. options.ResourceMetricsKeyAttributes];
        CardinalityLimit = options.AggregationCardinalityLimit == 0 ? int.MaxValue : options.AggregationCardinalityLimit;
        ResourceLimit = options.ResourceMetricsCacheSize;
        FlushInterval = options.MetricsFlushInterval;
        ExpirationNanos = (ulong)options.MetricsExpiration.Ticks * 100;
        ExemplarsPerPoint = options.Exemplars.Enabled && HistogramEnabled ? options.Exemplars.MaxPerDataPoint : 0;
    }

    public string CallsName { get; }

    public string DurationName { get; }

    public bool HistogramEnabled { get; }

    /// <summary>The duration unit as OTLP writes it (<c>ms</c> or <c>s</c>).</summary>
    public string Unit { get; }

    public double NanosPerUnit { get; }

    /// <summary>Explicit bucket bounds in <see cref="Unit"/>, increasing.</summary>
    public double[] Bounds { get; }

    public bool IncludeService { get; }

    public bool IncludeSpanName { get; }

    public bool IncludeKind { get; }

    public bool IncludeStatus { get; }

    public string[] DimensionNames { get; }

    /// <summary>Per configured dimension, the value used when neither span nor resource has it; null: leave it out.</summary>
    public AnyValue?[] DimensionDefaults { get; }

    /// <summary>The resource attributes that identify a resource; null: all.</summary>
    public HashSet<string>? ResourceKeyAttributes { get; }

    /// <summary>Series per resource before the overflow series takes the rest (<see cref="int.MaxValue"/>: no limit).</summary>
    public int CardinalityLimit { get; }

    public int ResourceLimit { get; }

    public TimeSpan FlushInterval { get; }

    /// <summary>How long a series lives without a span, in nanoseconds; 0: forever.</summary>
    public ulong ExpirationNanos { get; }

    /// <summary>Exemplars kept per duration point between flushes; 0: none.</summary>
    public int ExemplarsPerPoint { get; }

    /// <summary>The bucket a duration falls in: bucket i holds (bounds[i-1], bounds[i]], the last one the rest.</summary>
    public int BucketOf(double duration)
    {
        int index = Array.BinarySearch(Bounds, duration);
        return index >= 0 ? index : ~index;
    }
}
