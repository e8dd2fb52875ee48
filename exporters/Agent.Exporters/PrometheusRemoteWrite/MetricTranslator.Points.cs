using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>The point kinds: gauges and sums as one sample, histograms as buckets, sum and count, summaries as quantiles.</summary>
internal sealed partial class MetricTranslator
{
    private const string LeLabel = "le";
    private const string QuantileLabel = "quantile";

    private long WriteNumbers(ref MetricSource metric, FamilyKind kind, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = FamilyOf(in metric, kind, out string description);
        bool delta = metric.Delta && metric.Data == MetricData.Sum;
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

            double value = point.Value;
            if (delta && !_deltas!.TryAddSum(key, value, out value))
            {
                Drops.DeltaLimit++;
                continue;
            }

            Emit(writer, key, family.Name, null, 0, NoRecordedValue(point.Flags) ? StaleNaN : value, timestamp);
            Finish(writer, family, description, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
    }

    private long WriteHistograms(ref MetricSource metric, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = FamilyOf(in metric, FamilyKind.Histogram, out string description);
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

            var buckets = point.BucketCounts;
            ulong count = point.Count;
            double sum = point.Sum;
            if (metric.Delta)
            {
                if (!_deltas!.TryAddHistogram(key, buckets, point.ExplicitBounds, count, sum, out var totals))
                {
                    Drops.DeltaLimit++;
                    continue;
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
            Finish(writer, family, description, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
    }

    private long WriteSummaries(ref MetricSource metric, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = FamilyOf(in metric, FamilyKind.Summary, out string description);
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

            bool stale = NoRecordedValue(point.Flags);
            foreach (var (quantile, value) in point.Quantiles)
            {
                Emit(writer, key, family.Name, QuantileLabel, quantile, stale ? StaleNaN : value, timestamp);
            }

            Emit(writer, key, family.Sum, null, 0, stale ? StaleNaN : point.Sum, timestamp);
            Emit(writer, key, family.Count, null, 0, stale ? StaleNaN : point.Count, timestamp);
            Finish(writer, family, description, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
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
