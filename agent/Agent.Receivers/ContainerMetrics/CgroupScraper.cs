using Agent.Core.Components;
using Agent.Kubernetes;
using Agent.Receivers.Scraping;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// One collection: detects the cgroup version, walks kubepods for pod and container cgroups, reads each, names it
/// from the Kubernetes metadata cache (<c>k8s_metadata</c>) and the kubelet's log directories and emits its metrics. A cgroup that vanishes while read (its container
/// exited) is left out; files that cannot be read or parsed are counted as failed points and skipped.
/// </summary>
internal sealed class CgroupScraper(ContainerMetricsReceiverOptions options, TimeProvider time, IComponentHost? host = null) : IMetricsScraper
{
    private readonly string _cgroupRoot = options.OnHost("/sys/fs/cgroup");
    private readonly CgroupDiscovery _discovery = new();
    private readonly CgroupNaming _names = new(new PodNames(options.OnHost(options.PodLogsPath), options.OnHost(options.ContainerLogsPath)));
    private readonly BlockDevices _devices = new(options.OnHost("/sys/dev/block"));
    private readonly List<CgroupNode> _cgroups = [];
    private readonly CgroupStats _stats = new();

    // Counters start when the receiver does: the cgroup files hold no creation time to use instead.
    private readonly ulong _startTime = UnixNanoseconds(time.GetUtcNow());
    private KubernetesMetadataLease? _lease;

    public string Name => "cgroup";

    /// <summary>Runs after each file was read (tests remove a cgroup here, mid-read).</summary>
    internal Action<string>? AfterRead { get; set; }

    /// <summary>Takes a hold on the shared metadata cache when <c>k8s_metadata</c> is enabled; scrapes do not wait for it to be listed.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.K8sMetadata.Enabled)
        {
            var caches = KubernetesMetadataCaches.Of(host ?? throw new InvalidOperationException("k8s_metadata needs the component host"));
            _lease = caches.Acquire(options.K8sMetadata.ToSettings());
            _names.Cache = _lease.Cache;
        }

        return Task.CompletedTask;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _names.Cache = null;
        if (_lease is not null)
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
        }
    }

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
            emitter.Add(cgroup, _names.Of(cgroup), _stats);
        }

        return ValueTask.FromResult(new ScrapeResult(emitter.Finish(), failed, files.FirstError));
    }

    private static ulong UnixNanoseconds(DateTimeOffset moment) => (ulong)(moment - DateTimeOffset.UnixEpoch).Ticks * 100;
}
