namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// cgroup v2: <c>cpu.stat</c> (microseconds), <c>memory.current</c>, <c>memory.stat</c> (<c>anon</c>, <c>file</c>,
/// <c>inactive_file</c>), <c>memory.events</c> (<c>oom_kill</c>), <c>io.stat</c> (a line per device),
/// <c>pids.current</c>.
/// </summary>
internal sealed class CgroupV2Reader(CgroupFileReader files) : CgroupReader(files)
{
    private const double Microseconds = 1e6;

    protected override void ReadFiles()
    {
        ReadCpu();
        ReadMemory();
        if (TryRead(CgroupFile.MemoryEvents, 1, out var events))
        {
            Keyed(CgroupFile.MemoryEvents, events, "oom_kill"u8, CgroupValue.OomKills, 1);
        }

        ReadIo();
        TryReadSingle(CgroupFile.Pids, CgroupValue.Threads, 1, out _);
    }

    private void ReadCpu()
    {
        if (!TryRead(CgroupFile.CpuStat, 6, out var text))
        {
            return;
        }

        Keyed(CgroupFile.CpuStat, text, "usage_usec"u8, CgroupValue.CpuUsageSeconds, Microseconds);
        Keyed(CgroupFile.CpuStat, text, "user_usec"u8, CgroupValue.CpuUserSeconds, Microseconds);
        Keyed(CgroupFile.CpuStat, text, "system_usec"u8, CgroupValue.CpuSystemSeconds, Microseconds);

        // The CFS lines are there only where the cpu controller is enabled for the cgroup.
        if (CgroupText.TryFindKeyed(text, "nr_periods"u8, out ulong periods, out bool malformed))
        {
            Stats.Set(CgroupValue.CfsPeriods, periods);
            Keyed(CgroupFile.CpuStat, text, "nr_throttled"u8, CgroupValue.CfsThrottledPeriods, 1);
            Keyed(CgroupFile.CpuStat, text, "throttled_usec"u8, CgroupValue.CfsThrottledSeconds, Microseconds);
        }
        else if (malformed)
        {
            Malformed(CgroupFile.CpuStat, 3);
        }
    }

    private void ReadMemory()
    {
        bool haveUsage = TryReadSingle(CgroupFile.MemoryUsage, CgroupValue.MemoryUsageBytes, 1, out ulong usage);
        if (!TryRead(CgroupFile.MemoryStat, 3, out var text))
        {
            return;
        }

        Keyed(CgroupFile.MemoryStat, text, "anon"u8, CgroupValue.MemoryRssBytes, 1);
        Keyed(CgroupFile.MemoryStat, text, "file"u8, CgroupValue.MemoryCacheBytes, 1);
        if (TryKeyed(CgroupFile.MemoryStat, text, "inactive_file"u8, out ulong inactive) && haveUsage)
        {
            SetWorkingSet(usage, inactive);
        }
    }

    /// <summary><c>8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0</c>; keys a newer kernel adds are skipped.</summary>
    private void ReadIo()
    {
        if (!TryRead(CgroupFile.IoBytes, 4, out var text))
        {
            return;
        }

        while (CgroupText.NextLine(ref text, out var line))
        {
            if (!CgroupText.TryParseDevice(CgroupText.NextField(ref line), out uint major, out uint minor))
            {
                Malformed(CgroupFile.IoBytes, 4);
                continue;
            }

            ref var device = ref Device(major, minor);
            while (!line.IsEmpty)
            {
                var field = CgroupText.NextField(ref line);
                int equals = field.IndexOf((byte)'=');
                if (equals <= 0 || !CgroupText.TryParseNumber(field[(equals + 1)..], out ulong value))
                {
                    if (!field.IsEmpty)
                    {
                        Malformed(CgroupFile.IoBytes, 1);
                    }

                    continue;
                }

                var key = field[..equals];
                int which = key.SequenceEqual("rbytes"u8) ? DeviceIo.ReadBytes
                    : key.SequenceEqual("wbytes"u8) ? DeviceIo.WriteBytes
                    : key.SequenceEqual("rios"u8) ? DeviceIo.Reads
                    : key.SequenceEqual("wios"u8) ? DeviceIo.Writes
                    : -1;
                if (which >= 0)
                {
                    device.Set(which, value);
                }
            }
        }
    }
}
