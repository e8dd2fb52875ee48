namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// cgroup v1: <c>cpuacct.usage</c> (nanoseconds), <c>cpuacct.stat</c> (user/system in USER_HZ ticks),
/// <c>cpu.stat</c> (CFS), <c>memory.usage_in_bytes</c>, <c>memory.stat</c> (the hierarchical <c>total_*</c> keys as
/// cAdvisor reads them), <c>memory.oom_control</c>, <c>blkio.throttle.io_service_bytes</c> and <c>_serviced</c>
/// (lines <c>8:0 Read 4096</c>), <c>pids.current</c>.
/// </summary>
internal sealed class CgroupV1Reader(CgroupFileReader files) : CgroupReader(files)
{
    private const double Nanoseconds = 1e9;

    // The kernel reports cpuacct.stat in USER_HZ, which is 100 on every Linux architecture.
    private const double Ticks = 100;

    protected override void ReadFiles()
    {
        TryReadSingle(CgroupFile.CpuUsage, CgroupValue.CpuUsageSeconds, Nanoseconds, out _);
        if (TryRead(CgroupFile.CpuTimes, 2, out var times))
        {
            Keyed(CgroupFile.CpuTimes, times, "user"u8, CgroupValue.CpuUserSeconds, Ticks);
            Keyed(CgroupFile.CpuTimes, times, "system"u8, CgroupValue.CpuSystemSeconds, Ticks);
        }

        if (TryRead(CgroupFile.CpuStat, 3, out var cfs))
        {
            Keyed(CgroupFile.CpuStat, cfs, "nr_periods"u8, CgroupValue.CfsPeriods, 1);
            Keyed(CgroupFile.CpuStat, cfs, "nr_throttled"u8, CgroupValue.CfsThrottledPeriods, 1);
            Keyed(CgroupFile.CpuStat, cfs, "throttled_time"u8, CgroupValue.CfsThrottledSeconds, Nanoseconds);
        }

        ReadMemory();
        ReadIo(CgroupFile.IoBytes);
        ReadIo(CgroupFile.IoOperations);
        TryReadSingle(CgroupFile.Pids, CgroupValue.Threads, 1, out _);
    }

    private void ReadMemory()
    {
        bool haveUsage = TryReadSingle(CgroupFile.MemoryUsage, CgroupValue.MemoryUsageBytes, 1, out ulong usage);
        if (TryRead(CgroupFile.MemoryStat, 3, out var text))
        {
            // total_* counts the cgroup's descendants as well, which is what a pod's numbers must include; the
            // kernel writes them for every cgroup but the root, so the cgroup's own lines are never a stand-in.
            Keyed(CgroupFile.MemoryStat, text, "total_rss"u8, CgroupValue.MemoryRssBytes, 1);
            Keyed(CgroupFile.MemoryStat, text, "total_cache"u8, CgroupValue.MemoryCacheBytes, 1);
            if (TryKeyed(CgroupFile.MemoryStat, text, "total_inactive_file"u8, out ulong inactive) && haveUsage)
            {
                SetWorkingSet(usage, inactive);
            }
        }

        // oom_kill came with Linux 4.13; under_oom is always there, so its absence means the file is not what it should be.
        if (TryRead(CgroupFile.MemoryEvents, 1, out var oom))
        {
            if (CgroupText.TryFindKeyed(oom, "oom_kill"u8, out ulong kills, out _))
            {
                Stats.Set(CgroupValue.OomKills, kills);
            }
            else if (!CgroupText.TryFindKeyed(oom, "under_oom"u8, out _, out _))
            {
                Malformed(CgroupFile.MemoryEvents, 1);
            }
        }
    }

    /// <summary><c>8:0 Read 4096</c> lines per device and operation; the <c>Total</c> lines are sums and skipped.</summary>
    private void ReadIo(CgroupFile file)
    {
        if (!TryRead(file, 2, out var text))
        {
            return;
        }

        bool bytes = file == CgroupFile.IoBytes;
        while (CgroupText.NextLine(ref text, out var line))
        {
            var first = CgroupText.NextField(ref line);
            if (first.SequenceEqual("Total"u8))
            {
                continue;
            }

            var operation = CgroupText.NextField(ref line);
            if (!CgroupText.TryParseDevice(first, out uint major, out uint minor) || !CgroupText.TryParseNumber(CgroupText.NextField(ref line), out ulong value))
            {
                Malformed(file, 1);
                continue;
            }

            bool read = operation.SequenceEqual("Read"u8);
            if (!read && !operation.SequenceEqual("Write"u8))
            {
                continue;
            }

            Device(major, minor).Set((bytes, read) switch
            {
                (true, true) => DeviceIo.ReadBytes,
                (true, false) => DeviceIo.WriteBytes,
                (false, true) => DeviceIo.Reads,
                _ => DeviceIo.Writes,
            }, value);
        }
    }
}
