using Agent.Processors.MemoryLimiter;

namespace Agent.Tests.Processors.MemoryLimiter;

/// <summary>The cgroup limit as the kernel writes it, read from a tree laid out in a temporary directory.</summary>
public sealed class AvailableMemoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agent-cgroup", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void V2_takes_the_lowest_memory_max_from_the_process_cgroup_up()
    {
        Write("fs/kubepods.slice/memory.max", "536870912\n");
        Write("fs/kubepods.slice/pod1/memory.max", "max\n");
        Write("fs/kubepods.slice/pod1/agent/memory.max", "1073741824\n");
        Write("self", "0::/kubepods.slice/pod1/agent\n");

        Assert.Equal(536870912, AvailableMemory.CgroupLimit(Path.Combine(_root, "fs"), Path.Combine(_root, "self")));
    }

    [Fact]
    public void V1_reads_memory_limit_in_bytes_and_treats_the_huge_value_as_no_limit()
    {
        Write("fs/memory/docker/abc/memory.limit_in_bytes", "268435456\n");
        Write("fs/memory/memory.limit_in_bytes", "9223372036854771712\n");
        Write("self", "12:cpu,cpuacct:/docker/abc\n11:memory:/docker/abc\n");

        Assert.Equal(268435456, AvailableMemory.CgroupLimit(Path.Combine(_root, "fs"), Path.Combine(_root, "self")));
    }

    [Fact]
    public void In_a_container_whose_root_is_its_own_cgroup_the_root_file_counts_and_no_limit_is_null()
    {
        Write("fs/memory.max", "209715200\n");
        Write("self", "0::/kubepods/burstable/pod9/c1\n");
        Assert.Equal(209715200, AvailableMemory.CgroupLimit(Path.Combine(_root, "fs"), Path.Combine(_root, "self")));

        Write("fs/memory.max", "max\n");
        Assert.Null(AvailableMemory.CgroupLimit(Path.Combine(_root, "fs"), Path.Combine(_root, "self")));
        Assert.Null(AvailableMemory.CgroupLimit(Path.Combine(_root, "fs"), Path.Combine(_root, "missing")));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
