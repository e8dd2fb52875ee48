using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// The series of one resource (one service instance, as the Collector groups them): found by hash and compared on
/// the content of the key attributes, at most <see cref="SpanMetricsPlan.CardinalityLimit"/> of them, and then one
/// overflow series for every further combination.
/// </summary>
internal sealed class ResourceSeries
{
    private readonly SpanMetricsPlan _plan;
    private readonly KeyValue[] _key;
    private readonly Dictionary<int, SpanSeries> _byHash = [];
    private readonly List<SpanSeries> _ordered = [];
    private SpanSeries? _overflow;

    public ResourceSeries(SpanMetricsPlan plan, int hash, RepeatedField<KeyValue>? attributes)
    {
        _plan = plan;
        Hash = hash;
        _key = attributes is null ? [] : [.. attributes.Where(a => IsKey(plan, a.Key)).Select(a => a.Clone())];
        Resource = new Resource();
        if (attributes is not null)
        {
            Resource.Attributes.AddRange(attributes.Select(a => a.Clone()));
        }
    }

    public int Hash { get; }

    /// <summary>The resource the series are reported under: the first one seen with this key, as in the Collector.</summary>
    public Resource Resource { get; }

    /// <summary>The next resource whose key has the same hash.</summary>
    public ResourceSeries? Next { get; set; }

    /// <summary>Every series in the order it first appeared, the overflow series last.</summary>
    public IEnumerable<SpanSeries> Series => _overflow is null ? _ordered : _ordered.Append(_overflow);

    public int Count => _ordered.Count + (_overflow is null ? 0 : 1);

    public static bool IsKey(SpanMetricsPlan plan, string attribute) => plan.ResourceKeyAttributes?.Contains(attribute) ?? true;

    /// <summary>An order-free hash of the key attributes, so two resources listing them differently match.</summary>
    public static int HashOf(SpanMetricsPlan plan, RepeatedField<KeyValue>? attributes)
    {
        int hash = 0;
        for (int i = 0; attributes is not null && i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (IsKey(plan, attribute.Key))
            {
                hash += HashCode.Combine(attribute.Key, attribute.Value?.GetHashCode() ?? 0);
            }
        }

        return hash;
    }

    /// <summary>True when <paramref name="attributes"/> hold exactly this resource's key attributes.</summary>
    public bool Matches(RepeatedField<KeyValue>? attributes)
    {
        int seen = 0;
        for (int i = 0; attributes is not null && i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (!IsKey(_plan, attribute.Key))
            {
                continue;
            }

            seen++;
            if (!Contains(attribute))
            {
                return false;
            }
        }

        return seen == _key.Length;
    }

    /// <summary>
    /// The series of <paramref name="key"/>, made when new (its start time is <paramref name="nowUnixNano"/>); past
    /// the limit, the overflow series. <paramref name="overflowed"/> says which one counted the span.
    /// </summary>
    public SpanSeries Find(in SpanSeriesKey key, ulong nowUnixNano, out bool overflowed)
    {
        overflowed = false;
        _byHash.TryGetValue(key.Hash, out var first);
        for (var series = first; series is not null; series = series.Next)
        {
            if (series.Key.Matches(key))
            {
                return series;
            }
        }

        if (_ordered.Count >= _plan.CardinalityLimit)
        {
            overflowed = true;
            return Overflow(nowUnixNano);
        }

        var kept = key.Keep();
        var created = new SpanSeries(kept, SpanSeriesAttributes.Build(_plan, kept), _plan.Bounds.Length + 1, nowUnixNano, _plan.ExemplarsPerPoint) { Next = first };
        _byHash[key.Hash] = created;
        _ordered.Add(created);
        return created;
    }

    /// <summary>The one series that takes every span past the limit: its only attribute is <c>otel.metric.overflow=true</c>.</summary>
    public SpanSeries Overflow(ulong nowUnixNano) =>
        _overflow ??= new SpanSeries(
            new SpanSeriesKey(null, null, -1, -1, []),
            [new KeyValue { Key = SpanDimensionNames.Overflow, Value = new AnyValue { BoolValue = true } }],
            _plan.Bounds.Length + 1,
            nowUnixNano,
            _plan.ExemplarsPerPoint);

    /// <summary>Forgets the series with no span since <paramref name="cutoffUnixNano"/>; returns how many went.</summary>
    public int Expire(ulong cutoffUnixNano)
    {
        int before = Count;
        if (_overflow is not null && _overflow.LastSeenUnixNano < cutoffUnixNano)
        {
            _overflow = null;
        }

        if (_ordered.RemoveAll(series => series.LastSeenUnixNano < cutoffUnixNano) > 0)
        {
            // Rebuild the hash chains from what is left, in order, so lookups never reach a forgotten series.
            _byHash.Clear();
            for (int i = _ordered.Count - 1; i >= 0; i--)
            {
                var series = _ordered[i];
                _byHash.TryGetValue(series.Key.Hash, out var first);
                series.Next = first;
                _byHash[series.Key.Hash] = series;
            }
        }

        return before - Count;
    }

    private bool Contains(KeyValue attribute)
    {
        foreach (var kept in _key)
        {
            if (string.Equals(kept.Key, attribute.Key, StringComparison.Ordinal))
            {
                return Equals(kept.Value, attribute.Value);
            }
        }

        return false;
    }
}
