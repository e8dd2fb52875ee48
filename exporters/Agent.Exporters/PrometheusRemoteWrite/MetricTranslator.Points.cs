using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>The point kinds: gauges and sums as one sample, histograms as buckets, sum and count, summaries as quantiles.</summary>
internal sealed partial class MetricTranslator
{
    private const string LeLabel = "le";
    private const string QuantileLabel = "quantile";

    /// <summary>
    /// Writes every point of the metric as a series of <paramref name="kind"/>'s family: each point claims its series
    /// and timestamp in its shard's request, writes its samples, then counts and adds the family's metadata. Returns
    /// the newest timestamp written (ms), 0 when none.
    /// </summary>
    private long WritePoints(ref MetricSource metric, FamilyKind kind, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = FamilyOf(in metric, kind, out string description);
        // Only sums and histograms have a temporality; a stray field of that number elsewhere means nothing.
        bool delta = metric.Delta && metric.Data is MetricData.Sum or MetricData.Histogram;
        var point = _point;
        long newest = 0;
        while (metric.Next(point))
        {
            ulong key = PointKey(family, point);
            long timestamp = TimestampMs(point.TimeUnixNano, nowMs);
            if (!TryClaim(key, timestamp, partitioner, out var writer))
            {
                continue;
            }

            bool written = kind switch
            {
                FamilyKind.Histogram => EmitHistogram(writer, family, point, key, timestamp, delta),
                FamilyKind.Summary => EmitSummary(writer, family, point, key, timestamp),
                _ => EmitNumber(writer, family, point, key, timestamp, delta),
            };
            if (!written)
            {
                continue;
            }

            Finish(writer, family, description, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
    }

    /// <summary>A gauge's or sum's one sample (a delta sum added to its running total); false when the delta is dropped.</summary>
    private bool EmitNumber(WriteRequestWriter writer, MetricFamily family, WirePoint point, ulong key, long timestamp, bool delta)
    {
        double value = point.Value;
        if (delta && !_deltas!.TryAddSum(key, value, out value))
        {
            Drops.DeltaLimit++;
            return false;
        }

        Emit(writer, key, family.Name, null, 0, NoRecordedValue(point.Flags) ? StaleNaN : value, timestamp);
        return true;
    }

    /// <summary>A histogram's cumulative buckets, sum and count (a delta one added to its running totals); false when the delta is dropped.</summary>
    private bool EmitHistogram(WriteRequestWriter writer, MetricFamily family, WirePoint point, ulong key, long timestamp, bool delta)
    {
        var buckets = point.BucketCounts;
        ulong count = point.Count;
        double sum = point.Sum;
        if (delta)
        {
            if (!_deltas!.TryAddHistogram(key, buckets, point.ExplicitBounds, count, sum, out var totals))
            {
                Drops.DeltaLimit++;
                return false;
            }

            buckets = totals.Buckets;
            (count, sum) = (totals.Count, double.IsNaN(sum) ? double.NaN : totals.Sum);
        }

        bool stale = NoRecordedValue(point.Flags);

        // Buckets are cumulative in Prometheus; a point without bucket counts has only +Inf.
        var bounds = point.ExplicitBounds;
        ulong cumulative = 0;
        if (buckets.Length == bounds.Length + 1)
        {
            for (int i = 0; i < bounds.Length; i++)
            {
                cumulative += buckets[i];
                Emit(writer, key, family.Bucket, LeLabel, bounds[i], stale ? StaleNaN : cumulative, timestamp);
            }
        }

        Emit(writer, key, family.Bucket, LeLabel, double.PositiveInfinity, stale ? StaleNaN : count, timestamp);
        if (!double.IsNaN(sum) || stale)
        {
            Emit(writer, key, family.Sum, null, 0, stale ? StaleNaN : sum, timestamp);
        }

        Emit(writer, key, family.Count, null, 0, stale ? StaleNaN : count, timestamp);
        return true;
    }

    /// <summary>A summary's quantiles, sum and count.</summary>
    private bool EmitSummary(WriteRequestWriter writer, MetricFamily family, WirePoint point, ulong key, long timestamp)
    {
        bool stale = NoRecordedValue(point.Flags);
        foreach (var (quantile, value) in point.Quantiles)
        {
            Emit(writer, key, family.Name, QuantileLabel, quantile, stale ? StaleNaN : value, timestamp);
        }

        Emit(writer, key, family.Sum, null, 0, stale ? StaleNaN : point.Sum, timestamp);
        Emit(writer, key, family.Count, null, 0, stale ? StaleNaN : point.Count, timestamp);
        return true;
    }

    /// <summary>The metric's family, and its description when metadata is sent (else empty: it is not read).</summary>
    private MetricFamily FamilyOf(in MetricSource metric, FamilyKind kind, out string description)
    {
        description = _sendMetadata ? metric.Description(_texts) : string.Empty;
        return _names.Family(metric.Name(_texts), metric.Unit(_texts), kind);
    }

    /// <summary>The point's request writer, unless that request already has this series at this timestamp (counted).</summary>
    private bool TryClaim(ulong key, long timestamp, RequestPartitioner partitioner, out WriteRequestWriter writer)
    {
        writer = WriterOf(key, partitioner);
        if (writer.TryClaim(key, timestamp))
        {
            return true;
        }

        Drops.DuplicateTimestamp++;
        return false;
    }

    /// <summary>After a point: counts it, adds the family's metadata once per request, and cuts a full request.</summary>
    private void Finish(WriteRequestWriter writer, MetricFamily family, string description, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        writer.Points++;
        if (_sendMetadata)
        {
            writer.AddMetadata(family.Name, MetadataType(family.Kind), description, family.Unit);
        }

        CutIfFull(writer, partitioner, requests);
    }

    private static MetricMetadata.Types.MetricType MetadataType(FamilyKind kind) => kind switch
    {
        FamilyKind.Counter => MetricMetadata.Types.MetricType.Counter,
        FamilyKind.Histogram => MetricMetadata.Types.MetricType.Histogram,
        FamilyKind.Summary => MetricMetadata.Types.MetricType.Summary,
        _ => MetricMetadata.Types.MetricType.Gauge,
    };
}
