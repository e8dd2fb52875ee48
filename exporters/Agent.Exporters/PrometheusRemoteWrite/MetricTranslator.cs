using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// OTLP metrics → remote-write series, written straight into one <see cref="WriteRequestWriter"/> per shard. A data
/// point's series all go to the shard of its identity (family name and labels), so every series keeps its samples
/// in order however many consumers send. Walks resources, then the scopes and metrics: as the bytes they arrived in
/// when the batch is still encoded (<see cref="WireMetric"/>), so metrics received over OTLP are never decoded into
/// objects and texts seen before cost no allocation (<see cref="WireTexts"/>), else as decoded objects; both come
/// through <see cref="MetricSource"/> into a <see cref="WirePoint"/>. The point kinds are in
/// <c>MetricTranslator.Points.cs</c>, writing a series (from its cached labels when seen before) in
/// <c>MetricTranslator.Series.cs</c>. What cannot be written is counted in <see cref="Drops"/>. Not thread-safe.
/// </summary>
internal sealed partial class MetricTranslator : IDisposable
{
    public const string TargetInfoName = "target_info";
    public const string ScopeNameLabel = "otel_scope_name";
    public const string ScopeVersionLabel = "otel_scope_version";

    // ScopeMetrics: the scope is field 1, the metrics field 2; InstrumentationScope: name 1, version 2.
    private const int ScopeField = 1;
    private const int MetricsField = 2;
    private const int ScopeNameField = 1;
    private const int ScopeVersionField = 2;

    /// <summary>Prometheus' staleness marker: a NaN with this exact bit pattern ends a series.</summary>
    public static readonly double StaleNaN = BitConverter.Int64BitsToDouble(0x7ff0000000000002);

    private readonly PrometheusNames _names;
    private readonly ResourceLabels _resource;
    private readonly LabelSet _labels = new();
    private readonly LabelEntry[] _scope = new LabelEntry[2];
    private readonly WireTexts _texts = new();
    private readonly WirePoint _point;
    private readonly bool _sendMetadata;
    private readonly bool _targetInfo;
    private readonly long _maxRequestBytes;
    private readonly DeltaAccumulator? _deltas;
    private readonly SeriesTracker? _tracker;
    private readonly PointMemo? _memo;
    private readonly TimeProvider _time;
    private WriteRequestWriter[] _writers = [];
    private int _scopeCount;
    private long _batchTimestamp;

    public MetricTranslator(PrometheusRemoteWriteExporterOptions options, TimeProvider time)
    {
        _names = new PrometheusNames(options.Namespace, options.AddMetricSuffixes);
        _resource = new ResourceLabels(options);
        _sendMetadata = options.SendMetadata;
        _targetInfo = options.TargetInfo.Enabled;
        _maxRequestBytes = options.MaxBatchSizeBytes;
        _deltas = options.DeltaToCumulative.Enabled ? new DeltaAccumulator(options.DeltaToCumulative, time) : null;
        _tracker = options.StaleMarkers.Enabled ? new SeriesTracker(options.StaleMarkers.MaxSeries, time) : null;
        _memo = _tracker is null ? null : new PointMemo(options.StaleMarkers.MaxSeries);
        _time = time;
        _point = new WirePoint(_texts);
    }

    public TranslationDrops Drops { get; } = new();

    /// <summary>Series remembered for staleness markers.</summary>
    public int TrackedSeries => _tracker?.Count ?? 0;

    /// <summary>Data points in the memo.</summary>
    internal int RememberedPoints => _memo?.Count ?? 0;

    /// <summary>
    /// Translates a batch in the form it holds: scope groups still encoded are walked as bytes, decoded ones read as
    /// objects (neither is converted to the other).
    /// </summary>
    public void Translate(MetricsBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        EnsureWriters(partitioner);
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _batchTimestamp = _time.GetTimestamp();
        if (batch.Message is WireRequest encoded)
        {
            var groups = encoded.Groups;
            for (int g = 0; g < groups.Count; g++)
            {
                _resource.Load(groups[g].Resource);
                long newest = 0;
                var scopes = groups[g].Scopes;
                for (int s = 0; s < scopes.Count; s++)
                {
                    newest = Math.Max(newest, TranslateScope(scopes[s].Span, partitioner, requests, nowMs));
                }

                FinishResource(newest, partitioner, requests);
            }
        }
        else
        {
            // Index loops: RepeatedField's enumerator is an object the runtime does not always keep off the heap.
            var groups = ((ExportMetricsServiceRequest)batch.Message).ResourceMetrics;
            for (int g = 0; g < groups.Count; g++)
            {
                _resource.Load(groups[g].Resource);
                long newest = 0;
                var scopes = groups[g].ScopeMetrics;
                for (int s = 0; s < scopes.Count; s++)
                {
                    newest = Math.Max(newest, TranslateScope(scopes[s], partitioner, requests, nowMs));
                }

                FinishResource(newest, partitioner, requests);
            }
        }

        FinishAll(requests);
    }

    /// <summary>
    /// Staleness markers for the sent series silent for <paramref name="silence"/> (all of them for zero), each on its
    /// series' shard and after its last sample; also forgets delta totals past <c>max_stale</c>.
    /// </summary>
    public void MarkStale(TimeSpan silence, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        _deltas?.Expire();
        if (_tracker is null)
        {
            return;
        }

        EnsureWriters(partitioner);
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var series in _tracker.TakeSilent(silence))
        {
            var writer = _writers[partitioner.ShardOf(series.PartitionKey)];
            writer.WriteSeries(series.EncodedLabels, StaleNaN, Math.Max(nowMs, series.LastTimestampMs + 1));
        }

        FinishAll(requests);
    }

    public void Dispose()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
        }
    }

    /// <summary>After a resource's points: its <c>target_info</c>, stamped with the newest of them.</summary>
    private void FinishResource(long newest, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        if (_targetInfo && newest > 0 && _resource.TargetInfo.Length > 0)
        {
            WriteTargetInfo(partitioner, requests, newest);
        }
    }

    /// <summary>Writes one decoded <c>ScopeMetrics</c>' points; returns the newest timestamp written (ms), 0 when none.</summary>
    private long TranslateScope(ScopeMetrics scope, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        SetScope(scope.Scope?.Name, scope.Scope?.Version);

        // Decoded points have no bytes to look up by.
        _context = null;
        long newest = 0;
        var metrics = scope.Metrics;
        for (int m = 0; m < metrics.Count; m++)
        {
            newest = Math.Max(newest, TranslateMetric(new MetricSource(metrics[m]), partitioner, requests, nowMs));
        }

        return newest;
    }

    /// <summary>Writes one encoded <c>ScopeMetrics</c>' points; returns the newest timestamp written (ms), 0 when none.</summary>
    private long TranslateScope(ReadOnlySpan<byte> scope, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        // The scope's labels first, wherever its field is: every metric of the group carries them.
        _scopeCount = 0;
        var reader = new WireReader(scope);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (field == ScopeField && wireType == WireReader.LengthDelimited)
            {
                LoadScope(content);
            }
        }

        _context = _memo?.Context(_resource.Series, _scope.AsSpan(0, _scopeCount));

        long newest = 0;
        reader = new WireReader(scope);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (field == MetricsField && wireType == WireReader.LengthDelimited)
            {
                newest = Math.Max(newest, TranslateMetric(new MetricSource(WireMetric.Read(content)), partitioner, requests, nowMs));
            }
        }

        return newest;
    }

    /// <summary>Writes one metric's points; returns the newest timestamp written (ms), 0 when none.</summary>
    private long TranslateMetric(MetricSource metric, RequestPartitioner partitioner, List<ExportRequest> requests, long nowMs)
    {
        if (!metric.HasName)
        {
            // Prometheus refuses a whole request for one series without a name: leave the metric out instead.
            Drops.NoName += metric.CountPoints();
            return 0;
        }

        switch (metric.Data)
        {
            case MetricData.Gauge:
                return WritePoints(ref metric, FamilyKind.Gauge, partitioner, requests, nowMs);
            case MetricData.Sum:
                if (metric.Delta && _deltas is null)
                {
                    Drops.DeltaTemporality += metric.CountPoints();
                    return 0;
                }

                // A sum that may go down is a gauge in Prometheus; only a monotonic one is a counter.
                return WritePoints(ref metric, metric.Monotonic ? FamilyKind.Counter : FamilyKind.Gauge, partitioner, requests, nowMs);
            case MetricData.Histogram:
                if (metric.Delta && _deltas is null)
                {
                    Drops.DeltaTemporality += metric.CountPoints();
                    return 0;
                }

                return WritePoints(ref metric, FamilyKind.Histogram, partitioner, requests, nowMs);
            case MetricData.Summary:
                return WritePoints(ref metric, FamilyKind.Summary, partitioner, requests, nowMs);
            case MetricData.ExponentialHistogram:
                // Native histograms need remote-write 2.0; 1.0 has no way to carry them.
                Drops.ExponentialHistogram += metric.CountPoints();
                return 0;
            default:
                return 0;
        }
    }

    /// <summary>The scope labels of an encoded <c>InstrumentationScope</c> (a scalar set twice keeps the last value).</summary>
    private void LoadScope(ReadOnlySpan<byte> scope)
    {
        ReadOnlySpan<byte> name = default, version = default;
        var reader = new WireReader(scope);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (wireType == WireReader.LengthDelimited && field == ScopeNameField)
            {
                name = content;
            }
            else if (wireType == WireReader.LengthDelimited && field == ScopeVersionField)
            {
                version = content;
            }
        }

        SetScope(name.IsEmpty ? null : _texts.Text(name), version.IsEmpty ? null : _texts.Text(version));
    }

    private void SetScope(string? name, string? version)
    {
        _scopeCount = 0;
        if (!string.IsNullOrEmpty(name))
        {
            _scope[_scopeCount++] = new LabelEntry(ScopeNameLabel, name, LabelRank.Scope, ScopeNameLabel);
        }

        if (!string.IsNullOrEmpty(version))
        {
            _scope[_scopeCount++] = new LabelEntry(ScopeVersionLabel, version, LabelRank.Scope, ScopeVersionLabel);
        }
    }

    /// <summary>Fills the label set with the resource's, the scope's and the point's labels, sorted and unique; returns the point's key.</summary>
    private ulong LoadPointLabels(string family, ReadOnlySpan<(string Key, string Value)> attributes)
    {
        _labels.Clear();
        _labels.AddRange(_resource.Series);
        _labels.AddRange(_scope.AsSpan(0, _scopeCount));
        foreach (var (key, value) in attributes)
        {
            _labels.Add(PrometheusLabelNames.Sanitize(key), value, LabelRank.Point, key);
        }

        _labels.SortAndMerge();
        _pointLabels = null;
        return SeriesHash.Of(family, _labels.Items);
    }

    private void WriteTargetInfo(RequestPartitioner partitioner, List<ExportRequest> requests, long timestampMs)
    {
        _labels.Clear();
        _labels.AddRange(_resource.TargetInfo);
        _labels.SortAndMerge();
        _pointLabels = null;
        ForgetPoint();
        ulong key = SeriesHash.Of(TargetInfoName, _labels.Items);
        var writer = WriterOf(key, partitioner);
        if (!writer.TryClaim(key, timestampMs))
        {
            // Another group of the same resource already wrote it into this request.
            return;
        }

        Emit(writer, key, TargetInfoName, null, 0, 1, timestampMs);
        if (_sendMetadata)
        {
            writer.AddMetadata(TargetInfoName, MetricMetadata.Types.MetricType.Gauge, "Target metadata", string.Empty);
        }

        CutIfFull(writer, partitioner, requests);
    }

    private WriteRequestWriter WriterOf(ulong key, RequestPartitioner partitioner) => _writers[partitioner.ShardOf(key)];

    private void CutIfFull(WriteRequestWriter writer, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        if (writer.Length >= _maxRequestBytes)
        {
            int shard = Array.IndexOf(_writers, writer);
            requests.Add(writer.Finish((ulong)shard));
        }
    }

    private void FinishAll(List<ExportRequest> requests)
    {
        for (int shard = 0; shard < _writers.Length; shard++)
        {
            if (!_writers[shard].IsEmpty)
            {
                requests.Add(_writers[shard].Finish((ulong)shard));
            }
        }
    }

    private void EnsureWriters(RequestPartitioner partitioner)
    {
        if (_writers.Length == partitioner.Shards)
        {
            return;
        }

        foreach (var writer in _writers)
        {
            writer.Dispose();
        }

        _writers = new WriteRequestWriter[partitioner.Shards];
        for (int i = 0; i < _writers.Length; i++)
        {
            _writers[i] = new WriteRequestWriter();
        }
    }

    private static long TimestampMs(ulong unixNano, long nowMs) => unixNano == 0 ? nowMs : (long)(unixNano / 1_000_000);

    private static bool NoRecordedValue(uint flags) => (flags & (uint)DataPointFlags.NoRecordedValueMask) != 0;
}

/// <summary>Data points the translator could not write, by reason; the encoder reports and resets them per batch.</summary>
internal sealed class TranslationDrops
{
    public int ExponentialHistogram { get; set; }

    public int DeltaTemporality { get; set; }

    public int DeltaLimit { get; set; }

    public int NoName { get; set; }

    /// <summary>A second point of one series at one timestamp in one request.</summary>
    public int DuplicateTimestamp { get; set; }

    public void Clear()
    {
        DuplicateTimestamp = 0;
        NoName = 0;
        ExponentialHistogram = 0;
        DeltaTemporality = 0;
        DeltaLimit = 0;
    }
}
