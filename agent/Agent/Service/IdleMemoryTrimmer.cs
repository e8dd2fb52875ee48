using Agent.Core.Memory;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>
/// Gives memory back once load ends. While busy, the GC runs often and keeps what it committed; when load stops,
/// allocations stop, so no collection runs and the garbage of the last burst (large request buffers on the
/// large-object heap above all) stays resident for ever. Every <see cref="Interval"/> this looks whether the process
/// was idle (it allocated less than <see cref="IdleAllocation"/> since the last look) while the GC holds much more
/// than the heap held live after its last collection, and then forces one aggressive, compacting collection, which
/// decommits what is free. Once trimmed it stays quiet until the next burst.
/// </summary>
internal sealed partial class IdleMemoryTrimmer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>Below this much allocation in an interval the agent counts as idle (its own scrapes allocate a little).</summary>
    public const long IdleAllocation = 16 * 1024 * 1024;

    /// <summary>Committed memory beyond the live heap worth a collection to return.</summary>
    public const long WorthTrimming = 32 * 1024 * 1024;

    /// <summary>Bytes the pools let go of (<see cref="PoolReleases"/>) worth a collection to return.</summary>
    public const long PoolReleasesWorthTrimming = 4 * 1024 * 1024;

    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _allocatedAtLastLook = GC.GetTotalAllocatedBytes();
    private long _poolReleasesAtLastLook = PoolReleases.Bytes;

    public IdleMemoryTrimmer(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _timer = time.CreateTimer(static trimmer => ((IdleMemoryTrimmer)trimmer!).Look(), this, Interval, Interval);
    }

    /// <summary>
    /// True when an idle interval finds the GC holding more than it needs: committed well beyond what was live after
    /// the last collection, or pools that dropped enough arrays since the last look that were live then.
    /// </summary>
    public static bool ShouldTrim(long allocatedInInterval, long committedBytes, long liveAfterLastCollection, long poolReleasesInInterval = 0) =>
        allocatedInInterval < IdleAllocation
        && (committedBytes - liveAfterLastCollection > WorthTrimming || poolReleasesInInterval > PoolReleasesWorthTrimming);

    public void Dispose() => _timer.Dispose();

    private void Look()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        long inInterval = allocated - _allocatedAtLastLook;
        _allocatedAtLastLook = allocated;
        long released = PoolReleases.Bytes;
        long releasedInInterval = released - _poolReleasesAtLastLook;
        _poolReleasesAtLastLook = released;
        var info = GC.GetGCMemoryInfo();
        long live = info.HeapSizeBytes - info.FragmentedBytes;
        if (!ShouldTrim(inInterval, info.TotalCommittedBytes, live, releasedInInterval))
        {
            return;
        }

        MemoryReturn.CollectAndDecommit();
        long after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        LogTrimmed(_logger, info.TotalCommittedBytes / (1024 * 1024), after / (1024 * 1024));
        _allocatedAtLastLook = GC.GetTotalAllocatedBytes();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: returned memory to the system, GC committed {Before} MiB -> {After} MiB")]
    private static partial void LogTrimmed(ILogger logger, long before, long after);
}
