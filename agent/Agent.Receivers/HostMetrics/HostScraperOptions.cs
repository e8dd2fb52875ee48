namespace Agent.Receivers.HostMetrics;

/// <summary>What every hostmetrics scraper takes: <c>metrics: {name: {enabled: false}}</c> to leave a metric out.</summary>
public class HostScraperOptions
{
    /// <summary>Switches by metric name, in the naming the receiver emits (<c>node_load1</c> or <c>system.cpu.load_average.1m</c>).</summary>
    public Dictionary<string, MetricSwitch> Metrics { get; set; } = [];

    internal virtual IReadOnlySet<string> DisabledMetrics() =>
        Metrics.Where(entry => !entry.Value.Enabled).Select(entry => entry.Key).ToHashSet(StringComparer.Ordinal);
}

/// <summary>One entry of a scraper's <c>metrics</c> block.</summary>
public sealed class MetricSwitch
{
    public bool Enabled { get; set; } = true;
}

/// <summary>A scraper that takes an <c>include</c> and an <c>exclude</c> block of names.</summary>
public class FilteredScraperOptions<TFilter> : HostScraperOptions
    where TFilter : NameFilterOptions
{
    public TFilter? Include { get; set; }

    public TFilter? Exclude { get; set; }
}

/// <summary><c>disk</c>: <c>include</c> / <c>exclude</c> of devices as named in /proc/diskstats.</summary>
public sealed class DiskScraperOptions : FilteredScraperOptions<DeviceFilterOptions>;

/// <summary><c>network</c>: <c>include</c> / <c>exclude</c> of interfaces as named in /proc/net/dev.</summary>
public sealed class NetworkScraperOptions : FilteredScraperOptions<InterfaceFilterOptions>;

/// <summary>
/// <c>filesystem</c>: which mounts are measured. An exclude of mount points or file system types that is not written
/// takes node_exporter's default (pseudo and container file systems); <c>include_virtual_filesystems: true</c>
/// drops the default file system type exclusion.
/// </summary>
public sealed class FilesystemScraperOptions : HostScraperOptions
{
    public DeviceFilterOptions? IncludeDevices { get; set; }

    public DeviceFilterOptions? ExcludeDevices { get; set; }

    public FsTypeFilterOptions? IncludeFsTypes { get; set; }

    public FsTypeFilterOptions? ExcludeFsTypes { get; set; }

    public MountPointFilterOptions? IncludeMountPoints { get; set; }

    public MountPointFilterOptions? ExcludeMountPoints { get; set; }

    public bool IncludeVirtualFilesystems { get; set; }
}

/// <summary>The <c>scrapers</c> block: a scraper runs when its key is written (<c>cpu:</c> is enough).</summary>
public sealed class HostScrapersOptions
{
    public HostScraperOptions? Cpu { get; set; }

    public HostScraperOptions? Memory { get; set; }

    public DiskScraperOptions? Disk { get; set; }

    public FilesystemScraperOptions? Filesystem { get; set; }

    public NetworkScraperOptions? Network { get; set; }

    public HostScraperOptions? Load { get; set; }

    public HostScraperOptions? Paging { get; set; }

    public HostScraperOptions? Processes { get; set; }

    /// <summary>Per-process metrics: off unless written, as in the Collector, for the series they make.</summary>
    public ProcessScraperOptions? Process { get; set; }

    /// <summary>The scrapers written, by key.</summary>
    internal IEnumerable<(string Key, HostScraperOptions Options)> Enabled()
    {
        (string, HostScraperOptions?)[] all =
        [
            ("cpu", Cpu), ("memory", Memory), ("disk", Disk), ("filesystem", Filesystem),
            ("network", Network), ("load", Load), ("paging", Paging), ("processes", Processes), ("process", Process),
        ];
        foreach (var (key, options) in all)
        {
            if (options is not null)
            {
                yield return (key, options);
            }
        }
    }
}
