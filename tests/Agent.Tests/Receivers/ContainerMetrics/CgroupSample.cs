namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>
/// What one fixture cgroup holds, in v2's units (microseconds, bytes). v1 files are written from the same numbers
/// in v1's units (nanoseconds, 10 ms ticks), so both versions must give the same seconds and bytes.
/// </summary>
internal sealed record CgroupSample(
    ulong UsageUsec,
    ulong UserUsec,
    ulong SystemUsec,
    ulong Periods,
    ulong ThrottledPeriods,
    ulong ThrottledUsec,
    ulong Memory,
    ulong Anon,
    ulong File,
    ulong InactiveFile,
    ulong OomKills,
    ulong ReadBytes,
    ulong WriteBytes,
    ulong Reads,
    ulong Writes,
    ulong Pids)
{
    /// <summary>A sample whose every number differs from sample <paramref name="n"/>'s; times are whole ticks for v1.</summary>
    public static CgroupSample Numbered(int n)
    {
        ulong k = (ulong)n;
        return new(
            UsageUsec: 1_500_000 * k + 3,
            UserUsec: 1_000_000 * k + 20_000,
            SystemUsec: 400_000 * k + 10_000,
            Periods: 100 * k + 1,
            ThrottledPeriods: 10 * k + 2,
            ThrottledUsec: 250_000 * k,
            Memory: 100_000_000 * k,
            Anon: 60_000_000 * k,
            File: 30_000_000 * k,
            InactiveFile: 20_000_000 * k,
            OomKills: k,
            ReadBytes: 4096 * k,
            WriteBytes: 8192 * k + 1,
            Reads: 7 * k,
            Writes: 9 * k + 1,
            Pids: 3 * k);
    }
}
