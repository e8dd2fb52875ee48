namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Writing one series of the current labels. A series the tracker knows (same hash and, checked, same identity) is
/// written from its cached <c>Label</c> messages, which spares transcoding every name and value to UTF-8 again and
/// allocates nothing; a new one is written from its strings and, while the tracker has room, remembered with its
/// encoded labels for the next samples and its staleness marker.
/// </summary>
internal sealed partial class MetricTranslator
{
    /// <summary>
    /// A tracked copy of the current labels, known equal to them: the point's other series share it and skip the
    /// comparison. Null whenever the labels are loaded again.
    /// </summary>
    private LabelEntry[]? _pointLabels;

    /// <summary>For tests: maps every series hash, e.g. onto one value so that all series collide.</summary>
    internal Func<ulong, ulong>? MapSeriesHash { get; init; }

    private void Emit(WriteRequestWriter writer, ulong pointKey, string name, string? extraName, double extraValue, double value, long timestampMs)
    {
        if (_tracker is null)
        {
            writer.WriteSeries(_labels.Items, name, extraName, extraValue, value, timestampMs);
            return;
        }

        ulong series = SeriesHash.Finish(SeriesHash.Add(SeriesHash.Add(pointKey, name), extraName is null ? double.NaN : extraValue));
        if (MapSeriesHash is not null)
        {
            series = MapSeriesHash(series);
        }

        var tracked = _tracker.Touch(series, timestampMs, _batchTimestamp);
        if (tracked is not null && IsCurrent(tracked.Identity, name, extraName, extraValue))
        {
            writer.WriteSeries(tracked.EncodedLabels, value, timestampMs);
            return;
        }

        var encoded = writer.WriteSeries(_labels.Items, name, extraName, extraValue, value, timestampMs);

        // A series whose hash another one already holds is written without the cache (and shares its staleness).
        if (tracked is null && _tracker.HasRoom)
        {
            _pointLabels ??= _labels.Items.ToArray();
            var identity = new SeriesIdentity(name, extraName, extraValue, _pointLabels);
            _tracker.Add(series, new SeriesTracker.Tracked(pointKey, identity, encoded.ToArray()) { LastTimestampMs = timestampMs, LastSeen = _batchTimestamp });
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
