namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>Where a label came from; on a name clash the lower rank wins.</summary>
internal enum LabelRank : byte
{
    /// <summary><c>job</c> and <c>instance</c> from the resource, as the compatibility rules require.</summary>
    Identity,

    /// <summary>The data point's own attributes.</summary>
    Point,

    /// <summary><c>otel_scope_name</c>, <c>otel_scope_version</c>.</summary>
    Scope,

    /// <summary>Resource attributes promoted by <c>resource_to_telemetry_conversion</c>.</summary>
    Resource,

    /// <summary><c>external_labels</c>: added only where nothing else set the name.</summary>
    External,
}

/// <summary>One label of a series under construction; <see cref="Key"/> is the attribute key it came from.</summary>
internal readonly record struct LabelEntry(string Name, string Value, LabelRank Rank, string Key);

/// <summary>
/// The labels of one data point, built in a reused array: added from the resource, scope and point, then sorted by
/// name and made unique. Two attributes whose keys sanitize to the same name within one rank have their values
/// joined with <c>;</c> in the order of their original keys (the compatibility rules); across ranks the lower rank
/// wins. Nothing is allocated once the array has grown, except the joined value of such a clash.
/// </summary>
internal sealed class LabelSet
{
    private LabelEntry[] _items = new LabelEntry[32];

    public int Count { get; private set; }

    public ReadOnlySpan<LabelEntry> Items => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    /// <summary>Adds a label; an empty name or value is skipped, as Prometheus drops empty labels.</summary>
    public void Add(string name, string value, LabelRank rank, string key)
    {
        if (name.Length == 0 || value.Length == 0)
        {
            return;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }

        _items[Count++] = new LabelEntry(name, value, rank, key);
    }

    public void AddRange(ReadOnlySpan<LabelEntry> labels)
    {
        foreach (var label in labels)
        {
            Add(label.Name, label.Value, label.Rank, label.Key);
        }
    }

    /// <summary>Sorts by name (then rank, then original key) and removes duplicate names.</summary>
    public void SortAndMerge()
    {
        // A point has a handful of labels: insertion sort beats a general sort and needs no comparer object.
        var items = _items;
        for (int i = 1; i < Count; i++)
        {
            var item = items[i];
            int j = i - 1;
            while (j >= 0 && Compare(items[j], item) > 0)
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = item;
        }

        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (kept > 0 && string.Equals(items[kept - 1].Name, items[i].Name, StringComparison.Ordinal))
            {
                var first = items[kept - 1];
                if (first.Rank == items[i].Rank)
                {
                    items[kept - 1] = first with { Value = first.Value + ";" + items[i].Value };
                }

                continue;
            }

            items[kept++] = items[i];
        }

        Count = kept;
    }

    private static int Compare(in LabelEntry a, in LabelEntry b)
    {
        int byName = string.CompareOrdinal(a.Name, b.Name);
        if (byName != 0)
        {
            return byName;
        }

        return a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : string.CompareOrdinal(a.Key, b.Key);
    }
}
