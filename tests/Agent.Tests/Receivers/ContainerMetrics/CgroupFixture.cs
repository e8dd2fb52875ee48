using Agent.Tests.Receivers.PodLogs;

namespace Agent.Tests.Receivers.ContainerMetrics;

public enum CgroupDriver
{
    Systemd,
    Cgroupfs,
}

internal enum Runtime
{
    Containerd,
    Crio,
    Docker,
}

/// <summary>
/// A host's files as the receiver sees them under <c>root_path</c>, built by the tests: a cgroup tree (v1 with a
/// directory per controller and the joined <c>cpu,cpuacct</c>, or v2), the kubelet's log directories, and
/// <c>/sys/dev/block</c> device names. Paths of cgroups are relative to the cgroup root, as in cAdvisor's <c>id</c>.
/// </summary>
internal sealed class CgroupFixture : IDisposable
{
    private readonly TempDirectory _root = new();

    public CgroupFixture(bool v2)
    {
        IsV2 = v2;
        Directory.CreateDirectory(CgroupRoot);
        if (v2)
        {
            File.WriteAllText(Path.Join(CgroupRoot, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        }
        else
        {
            foreach (string controller in new[] { "cpu,cpuacct", "memory", "blkio", "pids" })
            {
                Directory.CreateDirectory(Path.Join(CgroupRoot, controller));
            }

            // systemd links the joined hierarchy under both names.
            Directory.CreateSymbolicLink(Path.Join(CgroupRoot, "cpu"), "cpu,cpuacct");
            Directory.CreateSymbolicLink(Path.Join(CgroupRoot, "cpuacct"), "cpu,cpuacct");
        }

        Write(Path.Join(RootPath, "sys/dev/block/8:0/uevent"), "MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n");
    }

    public bool IsV2 { get; }

    /// <summary>The receiver's <c>root_path</c>.</summary>
    public string RootPath => _root.Path;

    public string CgroupRoot => Path.Join(RootPath, "sys/fs/cgroup");

    public static string PodPath(CgroupDriver driver, string qos, string uid) => (driver, qos) switch
    {
        (CgroupDriver.Systemd, "guaranteed") => $"/kubepods.slice/kubepods-pod{uid.Replace('-', '_')}.slice",
        (CgroupDriver.Systemd, _) => $"/kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{uid.Replace('-', '_')}.slice",
        (_, "guaranteed") => $"/kubepods/pod{uid}",
        _ => $"/kubepods/{qos}/pod{uid}",
    };

    public static string ContainerPath(CgroupDriver driver, Runtime runtime, string podPath, string id) => driver switch
    {
        CgroupDriver.Cgroupfs => $"{podPath}/{id}",
        _ => runtime switch
        {
            Runtime.Containerd => $"{podPath}/cri-containerd-{id}.scope",
            Runtime.Crio => $"{podPath}/crio-{id}.scope",
            _ => $"{podPath}/docker-{id}.scope",
        },
    };

    /// <summary>A 64-hex container id made from a small number, so tests read which one they mean.</summary>
    public static string Id(int n) => n.ToString("x4").PadLeft(64, 'c');

    /// <summary>Writes a cgroup's files from the sample in this fixture's version.</summary>
    public void Cgroup(string path, CgroupSample s)
    {
        if (IsV2)
        {
            CgroupFile(path, "cpu.stat", $"usage_usec {s.UsageUsec}\nuser_usec {s.UserUsec}\nsystem_usec {s.SystemUsec}\nnr_periods {s.Periods}\nnr_throttled {s.ThrottledPeriods}\nthrottled_usec {s.ThrottledUsec}\nnr_bursts 0\nburst_usec 0\n");
            CgroupFile(path, "memory.current", $"{s.Memory}\n");

            // file_mapped before file: a key must match whole, not as a prefix.
            CgroupFile(path, "memory.stat", $"anon {s.Anon}\nfile_mapped 777\nfile {s.File}\nkernel 4096\nactive_anon 1\ninactive_file {s.InactiveFile}\nactive_file 5\n");
            CgroupFile(path, "memory.events", $"low 0\nhigh 0\nmax 4\noom 2\noom_kill {s.OomKills}\noom_group_kill 0\n");
            CgroupFile(path, "io.stat", $"8:0 rbytes={s.ReadBytes} wbytes={s.WriteBytes} rios={s.Reads} wios={s.Writes} dbytes=0 dios=0\n");
            CgroupFile(path, "pids.current", $"{s.Pids}\n");
            return;
        }

        CgroupFile(path, "cpuacct.usage", $"{s.UsageUsec * 1000}\n", "cpu,cpuacct");
        CgroupFile(path, "cpuacct.stat", $"user {s.UserUsec / 10_000}\nsystem {s.SystemUsec / 10_000}\n", "cpu,cpuacct");
        CgroupFile(path, "cpu.stat", $"nr_periods {s.Periods}\nnr_throttled {s.ThrottledPeriods}\nthrottled_time {s.ThrottledUsec * 1000}\n", "cpu,cpuacct");
        CgroupFile(path, "memory.usage_in_bytes", $"{s.Memory}\n", "memory");

        // The cgroup's own (non-total) lines differ, so reading them instead of total_* would show.
        CgroupFile(path, "memory.stat", $"cache 1\nrss 2\ninactive_file 3\ntotal_cache {s.File}\ntotal_rss {s.Anon}\ntotal_rss_huge 0\ntotal_inactive_file {s.InactiveFile}\n", "memory");
        CgroupFile(path, "memory.oom_control", $"oom_kill_disable 0\nunder_oom 0\noom_kill {s.OomKills}\n", "memory");
        CgroupFile(path, "blkio.throttle.io_service_bytes", $"8:0 Read {s.ReadBytes}\n8:0 Write {s.WriteBytes}\n8:0 Sync 0\n8:0 Async 0\n8:0 Discard 0\n8:0 Total {s.ReadBytes + s.WriteBytes}\nTotal {s.ReadBytes + s.WriteBytes}\n", "blkio");
        CgroupFile(path, "blkio.throttle.io_serviced", $"8:0 Read {s.Reads}\n8:0 Write {s.Writes}\n8:0 Total {s.Reads + s.Writes}\nTotal {s.Reads + s.Writes}\n", "blkio");
        CgroupFile(path, "pids.current", $"{s.Pids}\n", "pids");
    }

    /// <summary>Writes one file of a cgroup (v1: in <paramref name="controller"/>'s tree).</summary>
    public void CgroupFile(string path, string name, string text, string? controller = null) =>
        Write(Path.Join(CgroupDirectory(path, controller), name), text);

    /// <summary>The directory of a cgroup (v1: in one controller's tree).</summary>
    public string CgroupDirectory(string path, string? controller = null) =>
        Path.Join(CgroupRoot, IsV2 ? string.Empty : controller ?? "memory", path);

    /// <summary>Removes a cgroup from every tree, as the kernel does when its container exits.</summary>
    public void RemoveCgroup(string path)
    {
        foreach (string controller in IsV2 ? [string.Empty] : new[] { "cpu,cpuacct", "memory", "blkio", "pids" })
        {
            string directory = Path.Join(CgroupRoot, controller, path);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The kubelet's log directory of a pod, a directory per container, and a link per container id.</summary>
    public void PodLogs(string ns, string pod, string uid, params (string Container, string Id, int Restart)[] containers)
    {
        foreach (var (container, id, restart) in containers)
        {
            string log = Path.Join(RootPath, $"var/log/pods/{ns}_{pod}_{uid}/{container}/{restart}.log");
            Write(log, "2026-12-01T09:00:00.000000000Z stdout F started\n");
            Directory.CreateDirectory(Path.Join(RootPath, "var/log/containers"));
            File.CreateSymbolicLink(Path.Join(RootPath, $"var/log/containers/{pod}_{ns}_{container}-{id}.log"), log);
        }
    }

    public void Dispose() => _root.Dispose();

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
