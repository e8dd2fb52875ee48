using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// A stable 64-bit identity of a series (each name and value hashed with XXH3, seeded with the hash so far, then
/// mixed), computed without allocating. It keys the shard a series goes through and the state kept per series; a
/// collision between two live series is possible in principle (2^-64 per pair) and would only merge their delta
/// totals or staleness tracking. XXH3 reads eight bytes at a step where the FNV-1a it replaced read one character,
/// which a profile of 10k points/s into remote-write showed as the translator's most expensive function.
/// </summary>
internal static class SeriesHash
{
    public const ulong Start = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    /// <remarks>Each string is hashed apart, its length included, so ("ab", "c") and ("a", "bc") differ.</remarks>
    public static ulong Add(ulong hash, string text) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan()), unchecked((long)hash));

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
