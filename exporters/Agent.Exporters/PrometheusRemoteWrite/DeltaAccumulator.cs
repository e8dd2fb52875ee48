namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Turns delta sums and histograms into cumulative ones, per series (the identity of family name and labels): each
/// delta is added to the series' running total, which is what is sent. The state is bounded: at most
/// <c>max_streams</c> series, each forgotten after <c>max_stale</c> without a point; a new series beyond the bound
/// is refused (the caller drops and counts its point). A histogram whose bucket layout (its explicit bounds) changes starts afresh.
/// Not thread-safe: the encoder calls it under its lock.
/// </summary>
internal sealed class DeltaAccumulator
{
    private readonly Dictionary<ulong, Totals> _series = [];
    private readonly int _maxStreams;
    private readonly TimeSpan _maxStale;
    private readonly TimeProvider _time;

    public DeltaAccumulator(DeltaToCumulativeOptions options, TimeProvider time)
    {
        _maxStreams = options.MaxStreams;
        _maxStale = options.MaxStale;
        _time = time;
    }

    public int Count => _series.Count;

    /// <summary>The running total after adding <paramref name="delta"/>; false when the series is new and there is no room.</summary>
    public bool TryAddSum(ulong series, double delta, out double total)
    {
        if (!TryGet(series, out var totals))
        {
            total = 0;
            return false;
        }

        totals.Sum += delta;
        total = totals.Sum;
        return true;
    }

    /// <summary>
    /// The series' cumulative histogram after adding a delta point's buckets, count and sum (NaN: none); false when
    /// there is no room.
    /// </summary>
    public bool TryAddHistogram(ulong series, ReadOnlySpan<ulong> buckets, ReadOnlySpan<double> bounds, ulong count, double sum, out Totals totals)
    {
        if (!TryGet(series, out totals))
        {
            return false;
        }

        if (totals.Buckets.Length != buckets.Length || !bounds.SequenceEqual(totals.Bounds))
        {
            // A new layout cannot be added to the old one, even with as many buckets: the series starts over from
            // this point.
            totals.Buckets = new ulong[buckets.Length];
            totals.Bounds = bounds.ToArray();
            totals.Count = 0;
            totals.Sum = 0;
        }

        for (int i = 0; i < buckets.Length; i++)
        {
            totals.Buckets[i] += buckets[i];
        }

        totals.Count += count;
        totals.Sum += double.IsNaN(sum) ? 0 : sum;
        return true;
    }

    /// <summary>Forgets series that have had no point for <c>max_stale</c>.</summary>
    public void Expire()
    {
        long now = _time.GetTimestamp();
        List<ulong>? stale = null;
        foreach (var (series, totals) in _series)
        {
            if (_time.GetElapsedTime(totals.LastSeen, now) >= _maxStale)
            {
                (stale ??= []).Add(series);
            }
        }

        if (stale is not null)
        {
            foreach (ulong series in stale)
            {
                _series.Remove(series);
            }
        }
    }

    private bool TryGet(ulong series, out Totals totals)
    {
        if (!_series.TryGetValue(series, out totals!))
        {
            if (_series.Count >= _maxStreams)
            {
                return false;
            }

            totals = new Totals();
            _series.Add(series, totals);
        }

        totals.LastSeen = _time.GetTimestamp();
        return true;
    }

    /// <summary>One series' running totals.</summary>
    internal sealed class Totals
    {
        public double Sum { get; set; }

        public ulong Count { get; set; }

        public ulong[] Buckets { get; set; } = [];

        /// <summary>The explicit bounds the buckets were counted under.</summary>
        public double[] Bounds { get; set; } = [];

        public long LastSeen { get; set; }
    }
}
