namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// What the process scraper keeps of one pid between scrapes: the paths of its files, built once, and what does not
/// change while the process lives (name, executable, command line, owner), read again only when the pid's start
/// time shows another process has taken it.
/// </summary>
internal sealed class ProcessEntry
{
    public ProcessEntry(string directory, long pid)
    {
        Pid = pid;
        Directory = directory;
        Stat = Path.Join(directory, "stat");
        Status = Path.Join(directory, "status");
        Io = Path.Join(directory, "io");
        Fd = Path.Join(directory, "fd");
        Exe = Path.Join(directory, "exe");
        Cmdline = Path.Join(directory, "cmdline");
    }

    public long Pid { get; }

    public string Directory { get; }

    public string Stat { get; }

    public string Status { get; }

    public string Io { get; }

    public string Fd { get; }

    public string Exe { get; }

    public string Cmdline { get; }

    /// <summary>The scrape that last saw the pid in /proc, to forget pids that are gone.</summary>
    public long SeenIn { get; set; }

    /// <summary>The start time (ticks since boot) the metadata belongs to; null until it is read.</summary>
    public ulong? MetadataOf { get; set; }

    public string Name { get; set; } = string.Empty;

    /// <summary>Whether the name passes the include and exclude blocks.</summary>
    public bool Included { get; set; }

    public string ExecutablePath { get; set; } = string.Empty;

    public string Command { get; set; } = string.Empty;

    public string CommandLine { get; set; } = string.Empty;

    public string? Owner { get; set; }
}
