using OpenTelemetry.Proto.Common.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// The running totals of one series: calls, duration sum and bucket counts since <see cref="StartTimeUnixNano"/>,
/// the first time it was seen. Cumulative: totals are never reset, so every flush reports them with that start time.
/// </summary>
internal sealed class SpanSeries
{
    public SpanSeries(SpanSeriesKey key, IReadOnlyList<KeyValue> attributes, int bucketCount, ulong startTimeUnixNano, int exemplars)
    {
        Key = key;
        Attributes = attributes;
        BucketCounts = new ulong[bucketCount];
        StartTimeUnixNano = startTimeUnixNano;
        LastSeenUnixNano = startTimeUnixNano;
        Exemplars = exemplars > 0 ? new SpanExemplars(exemplars) : null;
    }

    public SpanSeriesKey Key { get; }

    /// <summary>The data point attributes, built once; each flush writes copies, since what it sends is handed over.</summary>
    public IReadOnlyList<KeyValue> Attributes { get; }

    public ulong StartTimeUnixNano { get; }

    public ulong Calls { get; private set; }

    public double DurationSum { get; private set; }

    public ulong[] BucketCounts { get; }

    /// <summary>When a span was last counted, for <c>metrics_expiration</c>.</summary>
    public ulong LastSeenUnixNano { get; private set; }

    /// <summary>The recent spans behind the duration point; null when exemplars are off.</summary>
    public SpanExemplars? Exemplars { get; }

    /// <summary>The next series whose key has the same hash.</summary>
    public SpanSeries? Next { get; set; }

    public void Record(double duration, int bucket, ulong nowUnixNano)
    {
        LastSeenUnixNano = nowUnixNano;
        Calls++;
        DurationSum += duration;
        if (BucketCounts.Length > 0)
        {
            BucketCounts[bucket]++;
        }
    }
}
