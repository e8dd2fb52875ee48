using Agent.Core.Memory;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// The managed heap as the GC sees it: <see cref="GC.GetTotalMemory(bool)"/> without a collection counts the
/// objects allocated and not yet collected, like the Go runtime's <c>Alloc</c> the Collector measures. It is what the
/// agent's data occupies and what a collection can free. The process's working set is not used: it lags behind a
/// collection (freed segments are returned later) and includes the runtime's own code, so a limiter on it would
/// keep refusing after the heap shrank. Kestrel's and the pools' buffers live on the managed heap too.
/// </summary>
public sealed class GcMemorySource : IMemorySource
{
    public static GcMemorySource Instance { get; } = new();

    public long UsedBytes() => GC.GetTotalMemory(forceFullCollection: false);

    public void Collect() => MemoryReturn.CollectAndDecommit();
}
