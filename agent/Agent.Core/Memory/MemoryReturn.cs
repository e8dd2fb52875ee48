using System.Runtime;

namespace Agent.Core.Memory;

/// <summary>The one way the agent forces a collection to hand memory back (the memory limiter, the idle trimmer).</summary>
public static class MemoryReturn
{
    /// <summary>
    /// A blocking, aggressive collection that compacts the large-object heap too and decommits what is free, so
    /// RSS follows the heap down. The hand-off pool lets go of its arrays first: kept, they would count against the
    /// memory limiter until the pool's next trim, refusing data the whole time.
    /// </summary>
    public static void CollectAndDecommit()
    {
        HandOffPool<byte>.Shared.Clear();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
