using System.Buffers;

namespace Agent.Exporters.Loki;

/// <summary>
/// One entry of a push, by reference: <see cref="Source"/> is a raw chunk (≥ 0) or, when negative, an OTLP record
/// prepared ahead (<c>~Source</c> indexes the prepared list); <see cref="Index"/> is the entry within the chunk.
/// </summary>
internal struct LokiEntryRef
{
    public long TimeUnixNano;
    public int Source;
    public int Index;

    /// <summary>The order the entry was added in, which breaks ties between equal timestamps.</summary>
    public int Sequence;
}

/// <summary>
/// The entries of one stream (one tenant and one label set) in a batch. Plans are reused across batches by their
/// builder, and their entry arrays come from the pool, so planning allocates nothing per line.
/// </summary>
internal sealed class LokiStreamPlan : IDisposable
{
    private LokiEntryRef[] _entries = ArrayPool<LokiEntryRef>.Shared.Rent(256);

    public LokiStreamLabels Labels { get; private set; } = null!;

    public string? Tenant { get; private set; }

    /// <summary>The first-seen order of this stream's tenant: pushes go tenant by tenant.</summary>
    public int TenantOrder { get; private set; }

    /// <summary>The stream's partition key (tenant and label set): its pushes keep their order.</summary>
    public ulong Key { get; private set; }

    /// <summary>The ordered shard the key maps to; streams of one shard may share a push.</summary>
    public int Shard { get; private set; }

    public int Count { get; private set; }

    public Span<LokiEntryRef> Entries => _entries.AsSpan(0, Count);

    public void Reset(LokiStreamLabels labels, string? tenant, int tenantOrder, ulong key, int shard)
    {
        Labels = labels;
        Tenant = tenant;
        TenantOrder = tenantOrder;
        Key = key;
        Shard = shard;
        Count = 0;
    }

    public void Add(long timeUnixNano, int source, int index)
    {
        if (Count == _entries.Length)
        {
            var bigger = ArrayPool<LokiEntryRef>.Shared.Rent(_entries.Length * 2);
            _entries.AsSpan(0, Count).CopyTo(bigger);
            ArrayPool<LokiEntryRef>.Shared.Return(_entries);
            _entries = bigger;
        }

        ref var entry = ref _entries[Count];
        entry.TimeUnixNano = timeUnixNano;
        entry.Source = source;
        entry.Index = index;
        entry.Sequence = Count++;
    }

    /// <summary>
    /// Puts the entries in time order, keeping the order of equal timestamps. Lines of one file nearly always arrive
    /// in order already, so one pass checks that first and the sort runs only when needed.
    /// </summary>
    public void SortByTime()
    {
        var entries = Entries;
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].TimeUnixNano < entries[i - 1].TimeUnixNano)
            {
                entries.Sort(default(ByTimeThenSequence));
                return;
            }
        }
    }

    public void Dispose()
    {
        if (_entries.Length > 0)
        {
            ArrayPool<LokiEntryRef>.Shared.Return(_entries);
            _entries = [];
        }
    }

    private readonly struct ByTimeThenSequence : IComparer<LokiEntryRef>
    {
        public int Compare(LokiEntryRef x, LokiEntryRef y)
        {
            int byTime = x.TimeUnixNano.CompareTo(y.TimeUnixNano);
            return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
