namespace Agent.Receivers.ContainerMetrics;

/// <summary>The cgroup files the readers use; each version names them and places them in its own way.</summary>
internal enum CgroupFile
{
    CpuStat,
    CpuUsage,
    CpuTimes,
    MemoryUsage,
    MemoryStat,
    MemoryEvents,
    IoBytes,
    IoOperations,
    Pids,
}

/// <summary>
/// Where a cgroup's files are. v2 (a <c>cgroup.controllers</c> file at the root) has one tree: every file of a cgroup
/// is in its directory. v1 has a tree per controller (<c>cpu</c>, <c>cpuacct</c>, <c>memory</c>, <c>blkio</c>,
/// <c>pids</c>, or the joined <c>cpu,cpuacct</c>) with the same relative paths in each; the tree is walked in the
/// first controller found.
/// </summary>
internal sealed class CgroupLayout
{
    private static readonly string[] V1Walked = ["memory", "cpu,cpuacct", "cpuacct", "cpu", "pids"];

    private readonly (string Directory, string File)[] _files;

    private CgroupLayout(bool isV2, string walkedRoot, (string Directory, string File)[] files)
    {
        IsV2 = isV2;
        WalkedRoot = walkedRoot;
        _files = files;
    }

    public bool IsV2 { get; }

    /// <summary>The directory whose tree holds the pods (v2: the cgroup root; v1: one controller's root).</summary>
    public string WalkedRoot { get; }

    /// <summary>The layout under <paramref name="cgroupRoot"/>, or null when it holds no cgroup tree.</summary>
    public static CgroupLayout? Detect(string cgroupRoot)
    {
        if (File.Exists(Path.Join(cgroupRoot, "cgroup.controllers")))
        {
            return new CgroupLayout(true, cgroupRoot, V2Files(cgroupRoot));
        }

        string? walked = V1Walked.Select(name => Path.Join(cgroupRoot, name)).FirstOrDefault(Directory.Exists);
        return walked is null ? null : new CgroupLayout(false, walked, V1Files(cgroupRoot));
    }

    /// <summary>The directories and paths of every file of the cgroup at <paramref name="relativePath"/> (from <c>/</c>).</summary>
    public (string[] Directories, string[] Paths) FilesOf(string relativePath)
    {
        var directories = new string[_files.Length];
        var paths = new string[_files.Length];
        for (int i = 0; i < _files.Length; i++)
        {
            directories[i] = i > 0 && _files[i].Directory == _files[i - 1].Directory ? directories[i - 1] : _files[i].Directory + relativePath;
            paths[i] = Path.Join(directories[i], _files[i].File);
        }

        return (directories, paths);
    }

    private static (string, string)[] V2Files(string root) => Ordered(
        (CgroupFile.CpuStat, root, "cpu.stat"),
        (CgroupFile.CpuUsage, root, "cpu.stat"),
        (CgroupFile.CpuTimes, root, "cpu.stat"),
        (CgroupFile.MemoryUsage, root, "memory.current"),
        (CgroupFile.MemoryStat, root, "memory.stat"),
        (CgroupFile.MemoryEvents, root, "memory.events"),
        (CgroupFile.IoBytes, root, "io.stat"),
        (CgroupFile.IoOperations, root, "io.stat"),
        (CgroupFile.Pids, root, "pids.current"));

    private static (string, string)[] V1Files(string root)
    {
        string Controller(params string[] names) =>
            names.Select(name => Path.Join(root, name)).FirstOrDefault(Directory.Exists) ?? Path.Join(root, names[0]);

        string cpu = Controller("cpu", "cpu,cpuacct");
        string cpuacct = Controller("cpuacct", "cpu,cpuacct");
        string memory = Controller("memory");
        string blkio = Controller("blkio");
        return Ordered(
            (CgroupFile.CpuStat, cpu, "cpu.stat"),
            (CgroupFile.CpuUsage, cpuacct, "cpuacct.usage"),
            (CgroupFile.CpuTimes, cpuacct, "cpuacct.stat"),
            (CgroupFile.MemoryUsage, memory, "memory.usage_in_bytes"),
            (CgroupFile.MemoryStat, memory, "memory.stat"),
            (CgroupFile.MemoryEvents, memory, "memory.oom_control"),
            (CgroupFile.IoBytes, blkio, "blkio.throttle.io_service_bytes"),
            (CgroupFile.IoOperations, blkio, "blkio.throttle.io_serviced"),
            (CgroupFile.Pids, Controller("pids"), "pids.current"));
    }

    /// <summary>The entries in <see cref="CgroupFile"/> order, so a file's number indexes the arrays.</summary>
    private static (string, string)[] Ordered(params (CgroupFile File, string Directory, string Name)[] entries)
    {
        var ordered = new (string, string)[entries.Length];
        foreach (var (file, directory, name) in entries)
        {
            ordered[(int)file] = (directory, name);
        }

        return ordered;
    }
}
