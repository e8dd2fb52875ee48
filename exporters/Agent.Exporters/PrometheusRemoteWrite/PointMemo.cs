using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Data points seen before, found by what gives them their series: the family, the resource and scope labels (a
/// <see cref="LabelContext"/>) and the point's attributes exactly as encoded. A point found here skips decoding its
/// attributes and building, sorting and hashing its labels: it has its key, and each of its series (a number's one,
/// a histogram's buckets, sum and count, in the order they are written) the tracked copy remembered at its place.
/// Texts are not compared: equal bytes make equal labels. Bounded like the tracker: when full it starts over.
/// Not thread-safe.
/// </summary>
internal sealed class PointMemo
{
    // A resource and scope pair is one context; a node's agent sees a few hundred, a flood of them starts over.
    private const int MaxContexts = 4096;

    private readonly Dictionary<ulong, Entry> _entries = [];
    private readonly Dictionary<ulong, LabelContext> _contexts = [];
    private readonly int _capacity;
    private int _nextContextId;

    public PointMemo(int capacity)
    {
        _capacity = capacity;
    }

    public int Count => _entries.Count;

    /// <summary>The context of these resource and scope labels; null when another one has their hash (no memo for them).</summary>
    public LabelContext? Context(ReadOnlySpan<LabelEntry> resource, ReadOnlySpan<LabelEntry> scope)
    {
        ulong hash = SeriesHash.Finish(LabelContext.Hash(scope, LabelContext.Hash(resource, SeriesHash.Start)));
        if (_contexts.TryGetValue(hash, out var known))
        {
            return known.Is(resource, scope) ? known : null;
        }

        if (_contexts.Count >= MaxContexts)
        {
            Clear();
        }

        var context = new LabelContext(++_nextContextId, [.. resource, .. scope]);
        _contexts.Add(hash, context);
        return context;
    }

    /// <summary>The point of these attributes in this family and context; null when not seen (<paramref name="hash"/> is its place for <see cref="Add"/>).</summary>
    public Entry? Find(MetricFamily family, LabelContext context, ReadOnlySpan<byte> attributes, out ulong hash)
    {
        long seed = ((long)context.Id << 32) | (uint)RuntimeHelpers.GetHashCode(family);
        hash = XxHash3.HashToUInt64(attributes, seed);
        return _entries.TryGetValue(hash, out var entry) && ReferenceEquals(entry.Family, family) && ReferenceEquals(entry.Context, context)
            && attributes.SequenceEqual(entry.Attributes)
            ? entry
            : null;
    }

    /// <summary>Remembers a point under the hash <see cref="Find"/> gave; null when another point holds it.</summary>
    public Entry? Add(ulong hash, MetricFamily family, LabelContext context, ReadOnlySpan<byte> attributes, ulong key)
    {
        if (_entries.Count >= _capacity)
        {
            if (_entries.ContainsKey(hash))
            {
                return null;
            }

            _entries.Clear();
        }

        // One lookup that finds the place or makes it: this runs for every point not remembered yet.
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, hash, out bool taken);
        if (taken)
        {
            return null;
        }

        slot = new Entry(family, context, attributes.ToArray(), key);
        return slot;
    }

    private void Clear()
    {
        _entries.Clear();
        _contexts.Clear();
    }

    /// <summary>A point seen before: its key and its series' tracked copies by their place in the point.</summary>
    internal sealed class Entry(MetricFamily family, LabelContext context, byte[] attributes, ulong key)
    {
        private SeriesTracker.Tracked?[] _series = new SeriesTracker.Tracked?[1];

        public MetricFamily Family { get; } = family;

        public LabelContext Context { get; } = context;

        public byte[] Attributes { get; } = attributes;

        /// <summary>The point's key, as its labels hash.</summary>
        public ulong Key { get; } = key;

        public SeriesTracker.Tracked? SeriesAt(int place) => place < _series.Length ? _series[place] : null;

        public void Remember(int place, SeriesTracker.Tracked series)
        {
            if (place >= _series.Length)
            {
                Array.Resize(ref _series, Math.Max(place + 1, _series.Length * 2));
            }

            _series[place] = series;
        }
    }
}

/// <summary>The labels a resource and a scope give each of their series, known by a number while the memo keeps them.</summary>
internal sealed class LabelContext(int id, LabelEntry[] labels)
{
    public int Id { get; } = id;

    public bool Is(ReadOnlySpan<LabelEntry> resource, ReadOnlySpan<LabelEntry> scope) =>
        resource.Length + scope.Length == labels.Length
        && Equal(resource, labels.AsSpan(0, resource.Length))
        && Equal(scope, labels.AsSpan(resource.Length));

    public static ulong Hash(ReadOnlySpan<LabelEntry> labels, ulong hash)
    {
        foreach (var label in labels)
        {
            hash = SeriesHash.Add(SeriesHash.Add(SeriesHash.Add(hash, label.Name), label.Value), label.Key);
            hash = SeriesHash.Add(hash, (double)label.Rank);
        }

        return hash;
    }

    private static bool Equal(ReadOnlySpan<LabelEntry> a, ReadOnlySpan<LabelEntry> b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
