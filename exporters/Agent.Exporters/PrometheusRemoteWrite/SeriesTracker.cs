namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The series the exporter has sent, so it can end them with a staleness marker: when one has had no sample for
/// the configured silence, and all of them when the exporter stops. Each remembers its identity and its labels as
/// encoded on the wire (both kept once, when it is first sent), the shard key it travels under (so its marker
/// follows its samples in order) and its last timestamp (a marker must come after it). The encoded labels also
/// spare the next samples of the series transcoding its strings again: the cache lives and ends with the series.
/// Bounded: beyond <c>max_series</c> new series are not tracked. Not thread-safe: the encoder calls it under its lock.
/// </summary>
internal sealed class SeriesTracker
{
    private readonly Dictionary<ulong, Tracked> _series = [];
    private readonly int _maxSeries;
    private readonly TimeProvider _time;

    public SeriesTracker(int maxSeries, TimeProvider time)
    {
        _maxSeries = maxSeries;
        _time = time;
    }

    public int Count => _series.Count;

    /// <summary>
    /// Notes a sample of the series tracked under <paramref name="series"/> at <paramref name="now"/> (a TimeProvider
    /// timestamp taken once per batch) and returns it; null when none is tracked under that hash yet. The caller
    /// checks the identity: another series may share the hash.
    /// </summary>
    public Tracked? Touch(ulong series, long timestampMs, long now)
    {
        if (!_series.TryGetValue(series, out var tracked))
        {
            return null;
        }

        tracked.Touch(timestampMs, now);
        return tracked;
    }

    /// <summary>Whether a new series can still be tracked.</summary>
    public bool HasRoom => _series.Count < _maxSeries;

    public void Add(ulong series, Tracked tracked) => _series[series] = tracked;

    /// <summary>Removes and returns the series silent for at least <paramref name="silence"/>; zero takes them all.</summary>
    public List<Tracked> TakeSilent(TimeSpan silence)
    {
        var ended = new List<Tracked>();
        if (silence == TimeSpan.Zero)
        {
            ended.AddRange(_series.Values);
            _series.Clear();
            ended.ForEach(static tracked => tracked.Ended = true);
            return ended;
        }

        long now = _time.GetTimestamp();
        List<ulong>? keys = null;
        foreach (var (series, tracked) in _series)
        {
            if (_time.GetElapsedTime(tracked.LastSeen, now) >= silence)
            {
                tracked.Ended = true;
                ended.Add(tracked);
                (keys ??= []).Add(series);
            }
        }

        foreach (ulong series in keys ?? [])
        {
            _series.Remove(series);
        }

        return ended;
    }

    /// <summary>
    /// A sent series: what it is (family or series name, the extra label <c>le</c> or <c>quantile</c> and its value,
    /// the point's sorted labels) and its <c>Label</c> messages as written (with <c>__name__</c>), for its next
    /// samples and its marker.
    /// </summary>
    internal sealed class Tracked(ulong partitionKey, SeriesIdentity identity, byte[] encodedLabels)
    {
        public ulong PartitionKey { get; } = partitionKey;

        public SeriesIdentity Identity { get; } = identity;

        public byte[] EncodedLabels { get; } = encodedLabels;

        public long LastTimestampMs { get; set; }

        public long LastSeen { get; set; }

        /// <summary>No longer tracked (marked stale): whoever kept a reference to it must look the series up again.</summary>
        public bool Ended { get; set; }

        /// <summary>Notes a sample at <paramref name="timestampMs"/>, written at <paramref name="now"/> (a TimeProvider timestamp).</summary>
        public void Touch(long timestampMs, long now)
        {
            LastTimestampMs = Math.Max(LastTimestampMs, timestampMs);
            LastSeen = now;
        }
    }
}
