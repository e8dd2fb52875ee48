namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The series the exporter has sent, so it can end them with a staleness marker: when one has had no sample for
/// the configured silence, and all of them when the exporter stops. Each remembers its labels (copied once, when
/// it is first sent), the shard key it travels under (so its marker follows its samples in order) and its last
/// timestamp (a marker must come after it). Bounded: beyond <c>max_series</c> new series are not tracked.
/// Not thread-safe: the encoder calls it under its lock.
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

    /// <summary>Notes a sample of a known series at <paramref name="now"/> (a TimeProvider timestamp taken once per batch); false when the series is not tracked yet.</summary>
    public bool Touch(ulong series, long timestampMs, long now)
    {
        if (!_series.TryGetValue(series, out var tracked))
        {
            return false;
        }

        tracked.LastTimestampMs = Math.Max(tracked.LastTimestampMs, timestampMs);
        tracked.LastSeen = now;
        return true;
    }

    /// <summary>Whether a new series can still be tracked.</summary>
    public bool HasRoom => _series.Count < _maxSeries;

    public void Add(ulong series, ulong partitionKey, string[] labels, long timestampMs, long now) =>
        _series[series] = new Tracked(partitionKey, labels) { LastTimestampMs = timestampMs, LastSeen = now };

    /// <summary>Removes and returns the series silent for at least <paramref name="silence"/>; zero takes them all.</summary>
    public List<Tracked> TakeSilent(TimeSpan silence)
    {
        var ended = new List<Tracked>();
        if (silence == TimeSpan.Zero)
        {
            ended.AddRange(_series.Values);
            _series.Clear();
            return ended;
        }

        long now = _time.GetTimestamp();
        List<ulong>? keys = null;
        foreach (var (series, tracked) in _series)
        {
            if (_time.GetElapsedTime(tracked.LastSeen, now) >= silence)
            {
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

    /// <summary>A sent series: its sorted labels as name, value, name, value, … (with <c>__name__</c>).</summary>
    internal sealed class Tracked(ulong partitionKey, string[] labels)
    {
        public ulong PartitionKey { get; } = partitionKey;

        public string[] Labels { get; } = labels;

        public long LastTimestampMs { get; set; }

        public long LastSeen { get; set; }
    }
}
