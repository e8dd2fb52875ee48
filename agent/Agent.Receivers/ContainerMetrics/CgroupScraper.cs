using Agent.Receivers.Scraping;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// One collection: detects the cgroup version, walks kubepods for pod and container cgroups, reads each, names it
/// from the kubelet's log directories and emits its metrics. A cgroup that vanishes while read (its container
/// exited) is left out; files that cannot be read or parsed are counted as failed points and skipped.
/// </summary>
internal sealed class CgroupScraper(ContainerMetricsReceiverOptions options, TimeProvider time) : IMetricsScraper
{
    private readonly string _cgroupRoot = options.OnHost("/sys/fs/cgroup");
    private readonly CgroupDiscovery _discovery = new();
    private readonly PodNames _names = new(options.OnHost(options.PodLogsPath), options.OnHost(options.ContainerLogsPath));
    private readonly BlockDevices _devices = new(options.OnHost("/sys/dev/block"));
    private readonly List<CgroupNode> _cgroups = [];
    private readonly CgroupStats _stats = new();

    // Counters start when the receiver does: the cgroup files hold no creation time to use instead.
    private readonly ulong _startTime = UnixNanoseconds(time.GetUtcNow());

    public string Name => "cgroup";

    /// <summary>Runs after each file was read (tests remove a cgroup here, mid-read).</summary>
    internal Action<string>? AfterRead { get; set; }

    public ValueTask<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var layout = CgroupLayout.Detect(_cgroupRoot)
            ?? throw new DirectoryNotFoundException($"no cgroup tree at {_cgroupRoot} (is root_path the host's / ?)");
        _discovery.Find(layout, _cgroups);
        _names.Refresh();

        using var files = new CgroupFileReader { AfterRead = AfterRead };
        CgroupReader reader = layout.IsV2 ? new CgroupV2Reader(files) : new CgroupV1Reader(files);
        var emitter = new ContainerMetricEmitter(options.Naming, _devices, _startTime, UnixNanoseconds(time.GetUtcNow()));
        int failed = 0;
        foreach (var cgroup in _cgroups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (cgroup.Files.Paths is null)
            {
                cgroup.Files = layout.FilesOf(cgroup.RelativePath);
            }

            reader.Read(cgroup, _stats);
            if (_stats.Vanished)
            {
                continue;
            }

            failed += _stats.Failed;
            var pod = _names.Pod(cgroup.PodUid!);
            string? container = cgroup.ContainerId is { } id ? _names.Container(id) : null;
            emitter.Add(cgroup, pod, container, _stats);
        }

        return ValueTask.FromResult(new ScrapeResult(emitter.Finish(), failed, files.FirstError));
    }

    private static ulong UnixNanoseconds(DateTimeOffset moment) => (ulong)(moment - DateTimeOffset.UnixEpoch).Ticks * 100;
}
