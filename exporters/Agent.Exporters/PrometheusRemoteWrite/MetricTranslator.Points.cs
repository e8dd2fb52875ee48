using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>The point kinds: gauges and sums as one sample, histograms as buckets, sum and count, summaries as quantiles.</summary>
internal sealed partial class MetricTranslator
{
    private const string LeLabel = "le";
    private const string QuantileLabel = "quantile";

    private long WriteNumbers(Metric metric, RepeatedField<NumberDataPoint> points, FamilyKind kind, bool delta, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = _names.Family(metric.Name, metric.Unit, kind);
        long newest = 0;
        for (int p = 0; p < points.Count; p++)
        {
            var point = points[p];
            ulong key = LoadPointLabels(family.Name, point.Attributes);
            long timestamp = TimestampMs(point.TimeUnixNano, nowMs);
            if (!TryClaim(key, timestamp, partitioner, out var writer))
            {
                continue;
            }

            double value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
            if (delta && !_deltas!.TryAddSum(key, value, out value))
            {
                Drops.DeltaLimit++;
                continue;
            }

            Emit(writer, key, family.Name, null, 0, NoRecordedValue(point.Flags) ? StaleNaN : value, timestamp);
            Finish(writer, family, metric, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
    }

    private long WriteHistograms(Metric metric, RepeatedField<HistogramDataPoint> points, bool delta, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = _names.Family(metric.Name, metric.Unit, FamilyKind.Histogram);
        long newest = 0;
        for (int p = 0; p < points.Count; p++)
        {
            var point = points[p];
            ulong key = LoadPointLabels(family.Name, point.Attributes);
            long timestamp = TimestampMs(point.TimeUnixNano, nowMs);
            if (!TryClaim(key, timestamp, partitioner, out var writer))
            {
                continue;
            }

            IReadOnlyList<ulong> buckets = point.BucketCounts;
            ulong count = point.Count;
            double sum = point.HasSum ? point.Sum : double.NaN;
            if (delta)
            {
                if (!_deltas!.TryAddHistogram(key, point, out var totals))
                {
                    Drops.DeltaLimit++;
                    continue;
                }

                (buckets, count, sum) = (totals.Buckets, totals.Count, point.HasSum ? totals.Sum : double.NaN);
            }

            bool stale = NoRecordedValue(point.Flags);

            // Buckets are cumulative in Prometheus; a point without bucket counts has only +Inf.
            var bounds = point.ExplicitBounds;
            ulong cumulative = 0;
            if (buckets.Count == bounds.Count + 1)
            {
                for (int i = 0; i < bounds.Count; i++)
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
            Finish(writer, family, metric, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
    }

    private long WriteSummaries(Metric metric, RepeatedField<SummaryDataPoint> points, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        var family = _names.Family(metric.Name, metric.Unit, FamilyKind.Summary);
        long newest = 0;
        for (int p = 0; p < points.Count; p++)
        {
            var point = points[p];
            ulong key = LoadPointLabels(family.Name, point.Attributes);
            long timestamp = TimestampMs(point.TimeUnixNano, nowMs);
            if (!TryClaim(key, timestamp, partitioner, out var writer))
            {
                continue;
            }

            bool stale = NoRecordedValue(point.Flags);
            var quantiles = point.QuantileValues;
            for (int q = 0; q < quantiles.Count; q++)
            {
                var quantile = quantiles[q];
                Emit(writer, key, family.Name, QuantileLabel, quantile.Quantile, stale ? StaleNaN : quantile.Value, timestamp);
            }

            Emit(writer, key, family.Sum, null, 0, stale ? StaleNaN : point.Sum, timestamp);
            Emit(writer, key, family.Count, null, 0, stale ? StaleNaN : point.Count, timestamp);
            Finish(writer, family, metric, partitioner, requests);
            newest = Math.Max(newest, timestamp);
        }

        return newest;
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
    private void Finish(WriteRequestWriter writer, MetricFamily family, Metric metric, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        writer.Points++;
        if (_sendMetadata)
        {
            writer.AddMetadata(family.Name, MetadataType(family.Kind), metric.Description, family.Unit);
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
