namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Writing one series of the current point. A point the <see cref="PointMemo"/> knows has its key without its labels
/// and writes each series from the tracked copy remembered at its place; the labels are built only for a series it
/// lacks. A series the tracker knows (same hash and, checked, same identity) is written from its cached <c>Label</c>
/// messages, which spares transcoding every name and value to UTF-8 again and allocates nothing; a new one is
/// written from its strings and, while the tracker has room, remembered with its encoded labels for the next samples
/// and its staleness marker.
/// </summary>
internal sealed partial class MetricTranslator
{
    /// <summary>
    /// A tracked copy of the current labels, known equal to them: the point's other series share it and skip the
    /// comparison. Null whenever the labels are loaded again.
    /// </summary>
    private LabelEntry[]? _pointLabels;

    /// <summary>The resource and scope of the points being written, when they can be looked up in the memo.</summary>
    private LabelContext? _context;

    /// <summary>The current point in the memo, and how many of its series were written so far.</summary>
    private PointMemo.Entry? _entry;

    private int _written;

    /// <summary>The family whose point's labels are still to be built (a point found in the memo); null when built.</summary>
    private MetricFamily? _labelsPending;

    /// <summary>For tests: maps every series hash, e.g. onto one value so that all series collide.</summary>
    internal Func<ulong, ulong>? MapSeriesHash { get; init; }

    /// <summary>
    /// The key of <paramref name="point"/> of <paramref name="family"/>: from the memo when the point was seen before
    /// in this context (its labels are then built only if a series needs them), else from its labels, which the
    /// memo then remembers.
    /// </summary>
    private ulong PointKey(MetricFamily family, WirePoint point)
    {
        ForgetPoint();
        if (_context is null || !point.HasRawAttributes)
        {
            return LoadPointLabels(family.Name, point.Attributes);
        }

        var entry = _memo!.Find(family, _context, point.RawAttributes, out ulong hash);
        if (entry is not null)
        {
            _entry = entry;
            _labelsPending = family;
            return entry.Key;
        }

        ulong key = LoadPointLabels(family.Name, point.Attributes);
        _entry = _memo.Add(hash, family, _context, point.RawAttributes, key);
        return key;
    }

    /// <summary>What follows is not the memo's point (target_info, or a point's key about to be taken).</summary>
    private void ForgetPoint()
    {
        _entry = null;
        _written = 0;
        _labelsPending = null;
    }

    /// <summary>Builds the labels of a point found in the memo, for a series the memo does not have.</summary>
    private void EnsureLabels()
    {
        if (_labelsPending is { } family)
        {
            _labelsPending = null;
            LoadPointLabels(family.Name, _point.Attributes);
        }
    }

    private void Emit(WriteRequestWriter writer, ulong pointKey, string name, string? extraName, double extraValue, double value, long timestampMs)
    {
        if (_tracker is null)
        {
            writer.WriteSeries(_labels.Items, name, extraName, extraValue, value, timestampMs);
            return;
        }

        int place = _written++;
        var remembered = _entry?.SeriesAt(place);
        if (remembered is { Ended: false } && remembered.Identity.IsNamed(name, extraName, extraValue))
        {
            remembered.Touch(timestampMs, _batchTimestamp);
            writer.WriteSeries(remembered.EncodedLabels, value, timestampMs);
            return;
        }

        EnsureLabels();

        ulong series = SeriesHash.Finish(SeriesHash.Add(SeriesHash.Add(pointKey, name), extraName is null ? double.NaN : extraValue));
        if (MapSeriesHash is not null)
        {
            series = MapSeriesHash(series);
        }

        var tracked = _tracker.Touch(series, timestampMs, _batchTimestamp);
        if (tracked is not null && IsCurrent(tracked.Identity, name, extraName, extraValue))
        {
            _entry?.Remember(place, tracked);
            writer.WriteSeries(tracked.EncodedLabels, value, timestampMs);
            return;
        }

        var encoded = writer.WriteSeries(_labels.Items, name, extraName, extraValue, value, timestampMs);

        // A series whose hash another one already holds is written without the cache (and shares its staleness).
        if (tracked is null && _tracker.HasRoom)
        {
            _pointLabels ??= _labels.Items.ToArray();
            var identity = new SeriesIdentity(name, extraName, extraValue, _pointLabels);
            var added = new SeriesTracker.Tracked(pointKey, identity, encoded.ToArray()) { LastTimestampMs = timestampMs, LastSeen = _batchTimestamp };
            _tracker.Add(series, added);
            _entry?.Remember(place, added);
        }
    }

    /// <summary>Whether a tracked series is the one about to be written, not another series of the same hash.</summary>
    private bool IsCurrent(in SeriesIdentity identity, string name, string? extraName, double extraValue)
    {
        if (!identity.IsNamed(name, extraName, extraValue))
        {
            return false;
        }

        if (ReferenceEquals(identity.PointLabels, _pointLabels))
        {
            return true;
        }

        if (!identity.HasPointLabels(_labels.Items))
        {
            return false;
        }

        _pointLabels = identity.PointLabels;
        return true;
    }
}
