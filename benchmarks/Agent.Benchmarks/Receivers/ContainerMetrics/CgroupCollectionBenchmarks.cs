using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.Scraping;
using BenchmarkDotNet.Attributes;

namespace Agent.Benchmarks.Receivers.ContainerMetrics;

/// <summary>
/// One collection of the <c>containermetrics</c> receiver on a full node: 110 pods × 2 containers in a generated
/// cgroup v2 tree (systemd driver, containerd scopes, the three QoS classes) with the kubelet's log directories,
/// 330 cgroups in all. <c>Collect</c> is the whole scrape (walk, read, name, build OTLP);
/// <c>WalkAndRead</c> is the part before the OTLP objects (what the receiver itself costs).
/// </summary>
[MemoryDiagnoser]
public class CgroupCollectionBenchmarks
{
    private const int PodCount = 110;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "agent-bench-cgroup-" + Guid.NewGuid().ToString("N"));
    private CgroupScraper _scraper = null!;
    private CgroupLayout _layout = null!;
    private readonly CgroupDiscovery _discovery = new();
    private readonly List<CgroupNode> _cgroups = [];
    private readonly CgroupStats _stats = new();

    [Params(MetricNaming.Prometheus, MetricNaming.Otel)]
    public MetricNaming Naming { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string cgroups = Path.Join(_root, "sys/fs/cgroup");
        Write(Path.Join(cgroups, "cgroup.controllers"), "cpu io memory pids\n");
        Write(Path.Join(_root, "sys/dev/block/8:0/uevent"), "MAJOR=8\nMINOR=0\nDEVNAME=sda\n");
        Directory.CreateDirectory(Path.Join(_root, "var/log/containers"));
        string[] qos = ["guaranteed", "burstable", "besteffort"];
        for (int pod = 0; pod < PodCount; pod++)
        {
            string uid = $"{pod:x8}-1111-2222-3333-444444444444";
            string slice = qos[pod % 3] == "guaranteed"
                ? $"kubepods.slice/kubepods-pod{uid.Replace('-', '_')}.slice"
                : $"kubepods.slice/kubepods-{qos[pod % 3]}.slice/kubepods-{qos[pod % 3]}-pod{uid.Replace('-', '_')}.slice";
            WriteCgroup(Path.Join(cgroups, slice), pod);
            for (int container = 0; container < 2; container++)
            {
                string id = $"{pod:x8}{container:x8}".PadLeft(64, 'a');
                WriteCgroup(Path.Join(cgroups, slice, $"cri-containerd-{id}.scope"), pod + container);
                string log = Path.Join(_root, $"var/log/pods/default_web-{pod}_{uid}/c{container}/0.log");
                Write(log, "x\n");
                File.CreateSymbolicLink(Path.Join(_root, $"var/log/containers/web-{pod}_default_c{container}-{id}.log"), log);
            }
        }

        var options = new ContainerMetricsReceiverOptions { RootPath = _root, Naming = Naming };
        _scraper = new CgroupScraper(options, TimeProvider.System);
        _layout = CgroupLayout.Detect(cgroups)!;

        // One collection first, as on a running node: directories and names are known from then on.
        Collect().GetAwaiter().GetResult();
        WalkAndRead();
    }

    [Benchmark]
    public async Task<int> Collect() => (await _scraper.ScrapeAsync(CancellationToken.None)).Metrics.ResourceMetrics.Count;

    [Benchmark]
    public int WalkAndRead()
    {
        _discovery.Find(_layout, _cgroups);
        using var files = new CgroupFileReader();
        var reader = new CgroupV2Reader(files);
        int values = 0;
        foreach (var cgroup in _cgroups)
        {
            if (cgroup.Files.Paths is null)
            {
                cgroup.Files = _layout.FilesOf(cgroup.RelativePath);
            }

            reader.Read(cgroup, _stats);
            values += _stats.Devices.Count;
        }

        return values;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    private static void WriteCgroup(string directory, int n)
    {
        Write(Path.Join(directory, "cpu.stat"), $"usage_usec {n * 1000 + 7}\nuser_usec {n * 600}\nsystem_usec {n * 300}\nnr_periods {n}\nnr_throttled 1\nthrottled_usec 5\nnr_bursts 0\nburst_usec 0\n");
        Write(Path.Join(directory, "memory.current"), $"{n * 4096 + 1}\n");
        Write(Path.Join(directory, "memory.stat"), $"anon {n * 1024}\nfile {n * 2048}\nkernel 0\nkernel_stack 16384\npagetables 0\nsec_pagetables 0\npercpu 0\nsock 0\nvmalloc 0\nshmem 0\nzswap 0\nzswapped 0\nfile_mapped 0\nfile_dirty 0\nfile_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon {n}\nactive_anon 0\ninactive_file {n * 512}\nactive_file 0\nunevictable 0\nslab_reclaimable 0\nslab_unreclaimable 0\nslab 0\n");
        Write(Path.Join(directory, "memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        Write(Path.Join(directory, "io.stat"), $"8:0 rbytes={n * 4096} wbytes={n * 8192} rios={n} wios={n * 2} dbytes=0 dios=0\n");
        Write(Path.Join(directory, "pids.current"), $"{n % 50 + 1}\n");
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
