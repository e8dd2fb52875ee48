using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Space and inodes of mounted file systems: the mounts of the host's init process (<c>/proc/1/mounts</c> under
/// <c>root_path</c>, else <c>/proc/mounts</c>), each measured with statfs on <c>root_path</c> + its mount point and
/// labelled with the mount point as the host sees it. node_exporter's filesystem collector
/// (<c>node_filesystem_*{device,fstype,mountpoint}</c>, <c>device_error</c> = 1 when statfs fails) or the semantic
/// conventions' <c>system.filesystem.usage</c> and <c>system.filesystem.inodes.usage</c>.
/// </summary>
internal sealed class FilesystemScraper : HostScraper
{
    /// <summary>node_exporter 1.5's default mount point exclusion: kernel, runtime and container storage mounts.</summary>
    internal const string DefaultExcludedMountPoints = "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

    /// <summary>node_exporter 1.5's default file system type exclusion: pseudo file systems.</summary>
    internal const string DefaultExcludedFsTypes = "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";

    private readonly string _rootPath;
    private readonly string _initMounts;
    private readonly string _mounts;
    private readonly NameFilter _devices;
    private readonly NameFilter _types;
    private readonly NameFilter _mountPoints;
    private readonly HashSet<(string, string, string)> _seen = [];
    private readonly List<Mount> _read = [];

    public FilesystemScraper(HostScraperSettings settings, FilesystemScraperOptions options)
        : base("filesystem", settings, options)
    {
        _rootPath = settings.RootPath;
        _initMounts = settings.PathOf("proc/1/mounts");
        _mounts = settings.PathOf("proc/mounts");
        _devices = NameFilter.Create(options.IncludeDevices, options.ExcludeDevices);
        _types = options.IncludeFsTypes is null && options.ExcludeFsTypes is null && !options.IncludeVirtualFilesystems
            ? NameFilter.ExcludingPattern(DefaultExcludedFsTypes)
            : NameFilter.Create(options.IncludeFsTypes, options.ExcludeFsTypes);
        _mountPoints = options.IncludeMountPoints is null && options.ExcludeMountPoints is null
            ? NameFilter.ExcludingPattern(DefaultExcludedMountPoints)
            : NameFilter.Create(options.IncludeMountPoints, options.ExcludeMountPoints);
    }

    protected override bool MayHang => true;

    private readonly record struct Mount(string Device, string MountPoint, string Type, bool ReadOnly);

    internal override void Scrape(HostMetricWriter writer)
    {
        string path = File.Exists(_initMounts) ? _initMounts : _mounts;
        if (!writer.TryRead(path, out var content))
        {
            return;
        }

        // Parsed first, measured after: statfs does not touch the file buffer, but the strings must outlive it anyway.
        _read.Clear();
        _seen.Clear();
        foreach (var line in new SpanLines(content))
        {
            if (line.IsEmpty)
            {
                continue;
            }

            var fields = new SpanFields(line);
            if (!fields.TryNext(out var device) || !fields.TryNext(out var mountPoint) || !fields.TryNext(out var type) || !fields.TryNext(out var mountOptions))
            {
                writer.Fail($"{path}: a line is not \"device mountpoint type options\"");
                continue;
            }

            var mount = new Mount(Unescaped(device), Unescaped(mountPoint), Strings.Get(type), IsReadOnly(mountOptions));
            if (_devices.Allows(mount.Device) && _types.Allows(mount.Type) && _mountPoints.Allows(mount.MountPoint) &&
                _seen.Add((mount.Device, mount.MountPoint, mount.Type)))
            {
                _read.Add(mount);
            }
        }

        foreach (var mount in _read)
        {
            Measure(writer, mount);
        }
    }

    private void Measure(HostMetricWriter writer, Mount mount)
    {
        bool measured = FileSystemStats.TryRead(Path.Join(_rootPath, mount.MountPoint), out var stats, out string? error);
        if (!Prometheus)
        {
            if (measured)
            {
                WriteOtel(writer, mount, stats);
            }
            else
            {
                writer.Fail(error!);
            }

            return;
        }

        // node_exporter reports a file system it cannot measure with device_error 1 and nothing else.
        (string, string)[] labels = [("device", mount.Device), ("fstype", mount.Type), ("mountpoint", mount.MountPoint)];
        writer.Gauge("node_filesystem_device_error", string.Empty, "Whether an error occurred while getting statistics for the given device.", measured ? 0 : 1, labels);
        if (!measured)
        {
            return;
        }

        double block = stats.BlockSize;
        writer.Gauge("node_filesystem_size_bytes", "By", "Filesystem size in bytes.", stats.Blocks * block, labels);
        writer.Gauge("node_filesystem_free_bytes", "By", "Filesystem free space in bytes.", stats.FreeBlocks * block, labels);
        writer.Gauge("node_filesystem_avail_bytes", "By", "Filesystem space available to non-root users in bytes.", stats.AvailableBlocks * block, labels);
        writer.Gauge("node_filesystem_files", string.Empty, "Filesystem total file nodes.", stats.Files, labels);
        writer.Gauge("node_filesystem_files_free", string.Empty, "Filesystem total free file nodes.", stats.FreeFiles, labels);
        writer.Gauge("node_filesystem_readonly", string.Empty, "Filesystem read-only status.", mount.ReadOnly ? 1 : 0, labels);
    }

    private static void WriteOtel(HostMetricWriter writer, Mount mount, FileSystemStats stats)
    {
        string mode = mount.ReadOnly ? "ro" : "rw";
        double block = stats.BlockSize;
        double used = (stats.Blocks - Math.Min(stats.Blocks, stats.FreeBlocks)) * block;
        double free = stats.AvailableBlocks * block;
        double reserved = (stats.FreeBlocks - Math.Min(stats.FreeBlocks, stats.AvailableBlocks)) * block;
        Usage(writer, "system.filesystem.usage", "By", "Bytes of file system space, by state.", mount, mode, used, free, reserved);
        Usage(writer, "system.filesystem.inodes.usage", "{inode}", "File system inodes, by state.", mount, mode, stats.Files - Math.Min(stats.Files, stats.FreeFiles), stats.FreeFiles, reserved: null);
    }

    private static void Usage(HostMetricWriter writer, string name, string unit, string description, Mount mount, string mode, double used, double free, double? reserved)
    {
        writer.UpDownCounter(name, unit, description, used, ("device", mount.Device), ("mode", mode), ("mountpoint", mount.MountPoint), ("type", mount.Type), ("state", "used"));
        writer.UpDownCounter(name, unit, description, free, ("device", mount.Device), ("mode", mode), ("mountpoint", mount.MountPoint), ("type", mount.Type), ("state", "free"));
        if (reserved is { } value)
        {
            writer.UpDownCounter(name, unit, description, value, ("device", mount.Device), ("mode", mode), ("mountpoint", mount.MountPoint), ("type", mount.Type), ("state", "reserved"));
        }
    }

    /// <summary>A device or mount point: /proc/mounts writes space, tab, newline and backslash as octal escapes (\040).</summary>
    private string Unescaped(ReadOnlySpan<byte> field)
    {
        if (field.IndexOf((byte)'\\') < 0)
        {
            return Strings.Get(field);
        }

        Span<byte> unescaped = field.Length <= 512 ? stackalloc byte[512] : new byte[field.Length];
        int length = 0;
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                unescaped[length++] = (byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0'));
                i += 3;
            }
            else
            {
                unescaped[length++] = field[i];
            }
        }

        return Strings.Get(unescaped[..length]);
    }

    private static bool IsOctal(byte c) => c is >= (byte)'0' and <= (byte)'7';

    private static bool IsReadOnly(ReadOnlySpan<byte> options)
    {
        foreach (var option in options.Split((byte)','))
        {
            if (options[option].SequenceEqual("ro"u8))
            {
                return true;
            }
        }

        return false;
    }
}
