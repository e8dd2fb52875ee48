namespace Agent.Tests.Receivers.PodLogs;

/// <summary>
/// The files this test process holds open, read from <c>/proc/self/fd</c> (what <c>lsof</c> shows an operator), so a
/// test sees whether the receiver follows or has released a file without asking the receiver.
/// </summary>
internal static class OpenFiles
{
    private const string Deleted = " (deleted)";

    /// <summary>One path per open handle below <paramref name="directory"/>; a file opened twice appears twice.</summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        string prefix = Path.GetFullPath(directory).TrimEnd('/') + "/";
        var open = new List<string>();
        foreach (string descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (IOException)
            {
                // Closed while we looked.
                continue;
            }

            if (target is not null && target.StartsWith(prefix, StringComparison.Ordinal))
            {
                open.Add(target.EndsWith(Deleted, StringComparison.Ordinal) ? target[..^Deleted.Length] : target);
            }
        }

        return open;
    }
}
