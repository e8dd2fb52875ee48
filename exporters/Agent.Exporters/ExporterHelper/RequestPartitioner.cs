namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Maps a request's partition key to one of the ordered shards (key modulo the shard count). Each shard is sent
/// by one consumer in FIFO order, so requests of one key keep their order while different keys go in parallel.
/// Keys are stable hashes (not string.GetHashCode, which changes per process), so they can be written down.
/// </summary>
public sealed class RequestPartitioner
{
    public RequestPartitioner(int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Shards = shards;
    }

    public int Shards { get; }

    public int ShardOf(ulong key) => (int)(key % (ulong)Shards);

    /// <summary>The shard of a request; unkeyed requests share shard 0, which every consumer reads.</summary>
    public int ShardOf(ExportRequest request) => request.PartitionKey is { } key ? ShardOf(key) : 0;

    /// <summary>A stable key for a pair of strings (tenant and stream, ...): FNV-1a over both, then mixed.</summary>
    public static ulong KeyOf(string? first, string second)
    {
        const ulong offset = 14695981039346656037;
        const ulong prime = 1099511628211;
        ulong hash = offset;
        foreach (char c in first ?? string.Empty)
        {
            hash = (hash ^ c) * prime;
        }

        // A separator that cannot come from a char, so ("ab", "c") and ("a", "bc") differ.
        hash = (hash ^ 0x10000) * prime;
        foreach (char c in second)
        {
            hash = (hash ^ c) * prime;
        }

        // FNV's low bits spread poorly; the modulo reads them, so mix the high bits in (murmur3's finaliser).
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        return hash;
    }
}
