using Agent.Core.Config;

namespace Agent.Connectors.SpanMetrics;

/// <summary>The unit of the duration histogram, as the Collector names it.</summary>
public enum DurationUnit
{
    Ms,
    S,
}

/// <summary><c>histogram</c>: the duration histogram. Only explicit buckets are implemented (no <c>exponential</c>).</summary>
public sealed class SpanMetricsHistogramOptions
{
    /// <summary>No duration histogram at all, only the calls counter.</summary>
    public bool Disable { get; set; }

    public DurationUnit Unit { get; set; } = DurationUnit.Ms;

    public SpanMetricsExplicitBuckets Explicit { get; set; } = new();
}

/// <summary><c>histogram.explicit</c>: bucket bounds written as durations, converted to the histogram's unit.</summary>
public sealed class SpanMetricsExplicitBuckets : IValidatable
{
    /// <summary>The Collector's default bounds.</summary>
    public static IReadOnlyList<TimeSpan> DefaultBuckets { get; } =
        [.. new[] { 2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    public List<TimeSpan> Buckets { get; set; } = [.. DefaultBuckets];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        for (int i = 0; i < Buckets.Count; i++)
        {
            if (Buckets[i] < TimeSpan.Zero)
            {
                yield return ($"buckets[{i}]", "must not be negative");
            }
            else if (i > 0 && Buckets[i] <= Buckets[i - 1])
            {
                yield return ($"buckets[{i}]", $"must be greater than the bound before it ({Buckets[i - 1].TotalMilliseconds}ms): bounds go in increasing order");
            }
        }
    }
}
