using OpenTelemetry.Proto.Common.V1;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>What an OTLP metric a group of samples becomes.</summary>
internal enum GroupKind
{
    Gauge,
    Counter,
    Histogram,
    Summary,
}

/// <summary>
/// One OTLP point's worth of samples of a target, kept across scrapes: a gauge or counter series, or all the
/// <c>_bucket</c>/<c>_sum</c>/<c>_count</c> (or quantile) series of one histogram (summary) with the same labels.
/// Each scrape fills it anew; it remembers its start time and last value to notice counter resets, and the
/// scrape it was last seen in, for staleness.
/// </summary>
internal sealed class SeriesGroup(string name, GroupKind kind, KeyValue[] attributes, string description)
{
    public string Name { get; } = name;

    public GroupKind Kind { get; } = kind;

    /// <summary>The point's attributes: the series' labels less name, job, instance, le and quantile.</summary>
    public KeyValue[] Attributes { get; } = attributes;

    public string Description { get; } = description;

    public long LastScrape { get; set; } = -1;

    public ulong StartNanos { get; set; }

    public double LastTotal { get; set; } = double.NaN;

    // Filled by the current scrape.
    public bool HasValue { get; set; }

    public double Value { get; set; }

    public ulong TimeNanos { get; set; }

    public double Created { get; set; } = double.NaN;

    public double Sum { get; set; }

    public double Count { get; set; } = double.NaN;

    /// <summary>Histogram buckets (upper bound, cumulative count) or summary quantiles (quantile, value).</summary>
    public List<(double Bound, double Value)> Parts { get; } = [];

    public void Reset(long scrape)
    {
        LastScrape = scrape;
        HasValue = false;
        Created = double.NaN;
        Sum = 0;
        Count = double.NaN;
        Parts.Clear();
    }
}

/// <summary>What a sample is within its group.</summary>
internal enum SampleRole
{
    Value,
    Created,
    Bucket,
    Quantile,
    Sum,
    Count,
}

/// <summary>A series of a target as the scrape cache keeps it, keyed by its bytes: its group and role, or dropped.</summary>
internal sealed class CachedSeries(SeriesGroup? group, SampleRole role, double bound)
{
    /// <summary>Null when metric relabelling dropped the series.</summary>
    public SeriesGroup? Group { get; } = group;

    public SampleRole Role { get; } = role;

    /// <summary>The <c>le</c> or <c>quantile</c> of a bucket or quantile sample.</summary>
    public double Bound { get; } = bound;

    public long LastScrape { get; set; } = -1;
}
