namespace Agent.Receivers.PodLogs;

/// <summary>
/// Lists the files to tail: those matching an include glob and no exclude glob. Rotated files are never tailed:
/// compressed ones (<c>.gz</c>) and those with a suffix after <c>.log</c> (<c>0.log.20240101-120000</c>), because
/// the tailer follows a file through its rename and reads it to its end itself.
/// </summary>
internal sealed class FileDiscovery
{
    private readonly GlobMatcher[] _include;
    private readonly GlobMatcher[] _exclude;

    public FileDiscovery(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _include = include.Select(glob => new GlobMatcher(glob)).ToArray();
        _exclude = exclude.Select(glob => new GlobMatcher(glob)).ToArray();
    }

    /// <summary>The matching files, in ordinal order.</summary>
    public List<string> Find()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in _include)
        {
            foreach (string path in Enumerate(glob))
            {
                if (!IsRotated(path) && glob.IsMatch(path) && !_exclude.Any(e => e.IsMatch(path)))
                {
                    found.Add(path);
                }
            }
        }

        return [.. found];
    }

    /// <summary>True for names a rotation produced, which are never tailed.</summary>
    public static bool IsRotated(string path)
    {
        string name = Path.GetFileName(path);
        return name.EndsWith(".gz", StringComparison.Ordinal) || name.Contains(".log.", StringComparison.Ordinal);
    }

    private static IEnumerable<string> Enumerate(GlobMatcher glob)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = glob.Recursive || glob.Depth > 1,
            MaxRecursionDepth = glob.Recursive ? int.MaxValue : Math.Max(0, glob.Depth - 1),
            IgnoreInaccessible = true,
            ReturnSpecialDirectories = false,
        };
        try
        {
            // Materialised here so that a directory vanishing mid-walk (a deleted pod) ends this walk, not the receiver.
            return Directory.EnumerateFiles(glob.BaseDirectory, "*", options).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
