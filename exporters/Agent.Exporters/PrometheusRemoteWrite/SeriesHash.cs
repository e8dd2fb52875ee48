namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// A stable 64-bit identity of a series (FNV-1a over names and values, then mixed), computed without allocating.
/// It keys the shard a series goes through and the state kept per series; a collision between two live series is
/// possible in principle (2^-64 per pair) and would only merge their delta totals or staleness tracking.
/// </summary>
internal static class SeriesHash
{
    public const ulong Start = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Add(ulong hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        // A separator no char can produce, so ("ab", "c") and ("a", "bc") differ.
        return (hash ^ 0x10000) * Prime;
    }

    public static ulong Add(ulong hash, double value) =>
        (hash ^ (ulong)BitConverter.DoubleToInt64Bits(value)) * Prime;

    /// <summary>The hash of a family name and its point's labels.</summary>
    public static ulong Of(string metricName, ReadOnlySpan<LabelEntry> labels)
    {
        ulong hash = Add(Start, metricName);
        foreach (var label in labels)
        {
            hash = Add(Add(hash, label.Name), label.Value);
        }

        return Finish(hash);
    }

    /// <summary>Mixes the high bits into the low ones, which the shard modulo reads (murmur3's finaliser).</summary>
    public static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        return hash;
    }
}
