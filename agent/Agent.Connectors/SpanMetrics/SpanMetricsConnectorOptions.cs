using Agent.Core.Config;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// The Collector's <c>spanmetrics</c> connector options that this agent implements, with the Collector's defaults
/// except where a bound on memory needs one (<see cref="AggregationCardinalityLimit"/>, see the README).
/// </summary>
public sealed class SpanMetricsConnectorOptions : IValidatable
{
    /// <summary>The only temporality implemented: every flush repeats each series' running totals.</summary>
    public const string Cumulative = "AGGREGATION_TEMPORALITY_CUMULATIVE";

    /// <summary>Prefix of the metric names (<c>namespace.calls</c>, <c>namespace.duration</c>); empty: no prefix.</summary>
    public string Namespace { get; set; } = "traces.span.metrics";

    public SpanMetricsHistogramOptions Histogram { get; set; } = new();

    /// <summary>Dimensions added to the four defaults, looked up in the span's attributes, then the resource's.</summary>
    public List<SpanMetricsDimension> Dimensions { get; set; } = [];

    /// <summary>Default dimensions (<c>service.name</c>, <c>span.name</c>, <c>span.kind</c>, <c>status.code</c>) to leave out.</summary>
    public List<string> ExcludeDimensions { get; set; } = [];

    /// <summary>Resource attributes that identify a resource's series; empty: all of them, as in the Collector.</summary>
    public List<string> ResourceMetricsKeyAttributes { get; set; } = [];

    /// <summary>Most resources tracked; spans of further resources go to one overflow resource.</summary>
    public int ResourceMetricsCacheSize { get; set; } = 1000;

    /// <summary>Most series per resource; further combinations go to the resource's overflow series. Zero: no limit.</summary>
    public int AggregationCardinalityLimit { get; set; } = 2000;

    public string AggregationTemporality { get; set; } = Cumulative;

    /// <summary>How often the series are handed to the metrics pipelines.</summary>
    public TimeSpan MetricsFlushInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A series with no span for this long is forgotten at the next flush (its next span starts it again from zero,
    /// with a new start time), and a resource left without series frees its place; zero: never, as in the Collector.
    /// </summary>
    public TimeSpan MetricsExpiration { get; set; } = TimeSpan.Zero;

    public SpanMetricsExemplarOptions Exemplars { get; set; } = new();

    public IEnumerable<(string Key, string Message)> Validate()
    {
        var names = new HashSet<string>(SpanDimensionNames.Defaults, StringComparer.Ordinal);
        for (int i = 0; i < Dimensions.Count; i++)
        {
            string name = Dimensions[i].Name ?? string.Empty;
            if (name.Length > 0 && !names.Add(name))
            {
                yield return ($"dimensions[{i}].name", $"duplicate dimension name \"{name}\" (the defaults are {string.Join(", ", SpanDimensionNames.Defaults)})");
            }
        }

        for (int i = 0; i < ExcludeDimensions.Count; i++)
        {
            if (!SpanDimensionNames.Defaults.Contains(ExcludeDimensions[i]))
            {
                yield return ($"exclude_dimensions[{i}]", $"\"{ExcludeDimensions[i]}\" is not a default dimension: must be one of {string.Join(", ", SpanDimensionNames.Defaults)}");
            }
        }

        if (ResourceMetricsCacheSize < 1)
        {
            yield return ("resource_metrics_cache_size", "must be at least 1");
        }

        if (AggregationCardinalityLimit < 0)
        {
            yield return ("aggregation_cardinality_limit", "must not be negative (0 = no limit)");
        }

        if (AggregationTemporality != Cumulative)
        {
            yield return ("aggregation_temporality", AggregationTemporality == "AGGREGATION_TEMPORALITY_DELTA"
                ? $"delta temporality is not supported by this agent; use {Cumulative}"
                : $"must be {Cumulative}");
        }

        if (MetricsFlushInterval <= TimeSpan.Zero)
        {
            yield return ("metrics_flush_interval", "must be positive");
        }

        if (MetricsExpiration < TimeSpan.Zero)
        {
            yield return ("metrics_expiration", "must not be negative (0 = never)");
        }
    }
}

/// <summary>One configured dimension: an attribute name and the value used when neither the span nor its resource has it.</summary>
public sealed class SpanMetricsDimension : IValidatable
{
    public string? Name { get; set; }

    /// <summary>Without a default, a series of a span that lacks the attribute simply has no such dimension.</summary>
    public string? Default { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            yield return ("name", "is required");
        }
    }
}

/// <summary>
/// <c>exemplars</c>: each duration point carries up to <see cref="MaxPerDataPoint"/> of the spans counted since the
/// previous flush (value, time, trace and span id), so a latency panel links to the traces behind it.
/// </summary>
public sealed class SpanMetricsExemplarOptions : IValidatable
{
    public bool Enabled { get; set; }

    /// <summary>Exemplars kept per data point and flush: the most recent spans.</summary>
    public int MaxPerDataPoint { get; set; } = 5;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (MaxPerDataPoint < 1)
        {
            yield return ("max_per_data_point", "must be at least 1");
        }
    }
}
