namespace Agent.Receivers.PodLogs;

/// <summary>
/// Lists the files to tail: those matching an include glob and no exclude glob. Rotated names are never tailed as
/// live files (the tailer follows a file through its rename); the uncompressed ones whose live path matches are
/// listed apart, so that one rotated away before the receiver finished it (or saw it at all) can still be read.
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

    /// <summary>Where the include globs start, and whether they reach below it: the directories worth watching.</summary>
    public IEnumerable<(string Directory, bool Recursive)> Roots =>
        _include.GroupBy(glob => glob.BaseDirectory, StringComparer.Ordinal)
            .Select(group => (group.Key, group.Any(glob => glob.Recursive || glob.Depth > 1)));

    /// <summary>The matching files under every include glob, in ordinal order.</summary>
    public DiscoveredFiles Find()
    {
        var found = new DiscoveredFiles();
        foreach (var glob in _include)
        {
            foreach (string path in Enumerate(glob.BaseDirectory, Walk(glob)))
            {
                Classify(path, found);
            }
        }

        return found;
    }

    /// <summary>The matching files directly in <paramref name="directories"/>: a look at the places a change was seen.</summary>
    public DiscoveredFiles FindIn(IEnumerable<string> directories)
    {
        var found = new DiscoveredFiles();
        var options = new EnumerationOptions { IgnoreInaccessible = true, ReturnSpecialDirectories = false };
        foreach (string directory in directories)
        {
            foreach (string path in Enumerate(directory, options))
            {
                Classify(path, found);
            }
        }

        return found;
    }

    private void Classify(string path, DiscoveredFiles found)
    {
        if (!RotatedName.IsRotated(path))
        {
            if (Wanted(path))
            {
                found.Live.Add(path);
            }
        }
        else if (RotatedName.LivePathOf(path) is { } live && Wanted(live))
        {
            found.Rotated.Add(path);
        }
    }

    private bool Wanted(string path) => _include.Any(glob => glob.IsMatch(path)) && !_exclude.Any(glob => glob.IsMatch(path));

    private static EnumerationOptions Walk(GlobMatcher glob) => new()
    {
        RecurseSubdirectories = glob.Recursive || glob.Depth > 1,
        MaxRecursionDepth = glob.Recursive ? int.MaxValue : Math.Max(0, glob.Depth - 1),
        IgnoreInaccessible = true,
        ReturnSpecialDirectories = false,
    };

    private static List<string> Enumerate(string directory, EnumerationOptions options)
    {
        try
        {
            // Materialised here so that a directory vanishing mid-walk (a deleted pod) ends this walk, not the receiver.
            return Directory.EnumerateFiles(directory, "*", options).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

/// <summary>What one look found: live files to tail, and rotated files beside them that may still need reading.</summary>
internal sealed class DiscoveredFiles
{
    public SortedSet<string> Live { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Rotated { get; } = new(StringComparer.Ordinal);
}
