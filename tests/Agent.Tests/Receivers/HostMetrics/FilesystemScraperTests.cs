using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>Mounts from a fixture mount table, measured with statfs under the fixture root.</summary>
public sealed class FilesystemScraperTests : IDisposable
{
    // "/", "/run" and "/data space" exist under the root; "/gone" does not, so statfs fails there.
    private const string Mounts = """
        /dev/vda / ext4 rw,relatime 0 0
        proc /proc proc rw,nosuid 0 0
        tmpfs /run tmpfs rw,nosuid 0 0
        cgroup2 /sys/fs/cgroup cgroup2 rw 0 0
        overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
        /dev/vdb /data\040space xfs ro,noatime 0 0
        /dev/vdb /data\040space xfs ro,noatime 0 0
        /dev/vdc /gone ext4 rw 0 0

        """;

    private readonly HostTree _host = new HostTree().With("proc/1/mounts", Mounts).With("data space/.keep", string.Empty).With("run/.keep", string.Empty);

    public void Dispose() => _host.Dispose();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Real_file_systems_once_each_with_node_exporters_labels()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Filesystem = new()));

        Assert.Equal(
            [
                "device=/dev/vda,fstype=ext4,mountpoint=/", "device=/dev/vdb,fstype=xfs,mountpoint=/data space",
                "device=/dev/vdc,fstype=ext4,mountpoint=/gone", "device=tmpfs,fstype=tmpfs,mountpoint=/run",
            ],
            scrape.Points.Select(p => p.Labels).Distinct().Order());
        Assert.Equal(0, scrape.Value("node_filesystem_device_error", "device=/dev/vda,fstype=ext4,mountpoint=/"));
        Assert.Equal(1, scrape.Value("node_filesystem_readonly", "device=/dev/vdb,fstype=xfs,mountpoint=/data space"));
        Assert.Equal(0, scrape.Value("node_filesystem_readonly", "device=/dev/vda,fstype=ext4,mountpoint=/"));

        // A file system statfs cannot reach has device_error 1 and nothing else, as in node_exporter.
        Assert.Equal(1, scrape.Value("node_filesystem_device_error", "device=/dev/vdc,fstype=ext4,mountpoint=/gone"));
        Assert.Single(scrape.Points, p => p.Labels.EndsWith("/gone", StringComparison.Ordinal));

        double size = scrape.Value("node_filesystem_size_bytes", "device=/dev/vda,fstype=ext4,mountpoint=/");
        double free = scrape.Value("node_filesystem_free_bytes", "device=/dev/vda,fstype=ext4,mountpoint=/");
        double avail = scrape.Value("node_filesystem_avail_bytes", "device=/dev/vda,fstype=ext4,mountpoint=/");
        Assert.True(size > 0 && free <= size && avail <= free, $"size {size}, free {free}, avail {avail}");

        // The temporary root's own file system, as .NET sees it.
        var drive = new DriveInfo(_host.Root);
        Assert.Equal(drive.TotalSize, size);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Written_excludes_replace_the_defaults()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Filesystem = new()
        {
            IncludeFsTypes = new FsTypeFilterOptions { FsTypes = ["tmpfs", "ext4"] },
            ExcludeMountPoints = new MountPointFilterOptions { MountPoints = ["^/gone$"], MatchType = NameMatch.Regexp },
        }));

        Assert.Equal(["/", "/run"], scrape.Points.Select(p => p.Labels.Split("mountpoint=")[1]).Distinct().Order());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Otel_usage_by_state_and_an_unreachable_mount_is_counted()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Filesystem = new()));

        Assert.Equal(1, scrape.FailedPoints);
        Assert.Contains("/gone", scrape.Errors.Single(), StringComparison.Ordinal);
        const string Root = "device=/dev/vda,mode=rw,mountpoint=/,state={0},type=ext4";
        double used = scrape.Value("system.filesystem.usage", string.Format(Root, "used"));
        double free = scrape.Value("system.filesystem.usage", string.Format(Root, "free"));
        double reserved = scrape.Value("system.filesystem.usage", string.Format(Root, "reserved"));
        Assert.Equal(new DriveInfo(_host.Root).TotalSize, used + free + reserved);
        Assert.Equal(2, scrape.Points.Count(p => p.Name == "system.filesystem.inodes.usage" && p.Labels.Contains("mountpoint=/,", StringComparison.Ordinal)));
        Assert.Contains(scrape.Points, p => p.Labels == "device=/dev/vdb,mode=ro,mountpoint=/data space,state=free,type=xfs" && p.Name == "system.filesystem.usage");
    }
}
