using System.Globalization;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// The memory this process may use, for <c>limit_percentage</c>: the lowest <c>memory.max</c> (cgroup v2) or
/// <c>memory.limit_in_bytes</c> (cgroup v1) from the process's own cgroup up to the root of the hierarchy, else what
/// the GC counts as available (the machine's RAM, or <c>DOTNET_GCHeapHardLimit</c> when set).
/// </summary>
public static class AvailableMemory
{
    /// <summary>v1 writes "no limit" as the largest page-aligned 64-bit value; anything this large is no limit.</summary>
    private const long NoLimitAbove = long.MaxValue / 2;

    public static long Read(string cgroupRoot = "/sys/fs/cgroup", string selfCgroup = "/proc/self/cgroup") =>
        CgroupLimit(cgroupRoot, selfCgroup) ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The cgroup's limit, or null when there is none or it cannot be read (not Linux, no cgroup mount).</summary>
    public static long? CgroupLimit(string cgroupRoot, string selfCgroup)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(selfCgroup);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var line in lines)
        {
            // "hierarchy-id:controllers:path"; v2 is "0::path", v1 names "memory" among the controllers.
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                return LowestOnTheWayUp(cgroupRoot, parts[2], "memory.max");
            }

            if (parts[1].Split(',').Contains("memory"))
            {
                return LowestOnTheWayUp(Path.Combine(cgroupRoot, "memory"), parts[2], "memory.limit_in_bytes");
            }
        }

        return null;
    }

    /// <summary>
    /// A parent's limit caps its children, so the lowest one counts. In a container the path names the cgroup as the
    /// host sees it while the root is already the container's own: then only the root's file exists, and is the one.
    /// </summary>
    private static long? LowestOnTheWayUp(string root, string cgroupPath, string fileName)
    {
        long? lowest = null;
        var top = Path.GetFullPath(root).TrimEnd('/');
        var directory = Path.GetFullPath(Path.Combine(top, cgroupPath.TrimStart('/'))).TrimEnd('/');
        while (directory.StartsWith(top, StringComparison.Ordinal))
        {
            if (ReadLimit(Path.Combine(directory, fileName)) is { } limit && (lowest is null || limit < lowest))
            {
                lowest = limit;
            }

            if (directory.Length == top.Length)
            {
                break;
            }

            directory = Path.GetDirectoryName(directory) ?? top;
        }

        return lowest;
    }

    private static long? ReadLimit(string file)
    {
        try
        {
            var text = File.ReadAllText(file).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) && bytes is > 0 and < NoLimitAbove
                ? bytes
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
