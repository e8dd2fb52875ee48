namespace Agent.Core.Memory;

/// <summary>
/// Bytes the process's pools let go of when they trimmed idle arrays. Dropped arrays are garbage only once a
/// collection runs, and an idle process runs none: whoever hands memory back to the system (the host's idle
/// trimmer) reads this to know a collection would now return something.
/// </summary>
public static class PoolReleases
{
    private static long s_bytes;

    /// <summary>All bytes dropped by pool trims since the process started.</summary>
    public static long Bytes => Interlocked.Read(ref s_bytes);

    internal static void Add(long bytes) => Interlocked.Add(ref s_bytes, bytes);
}
