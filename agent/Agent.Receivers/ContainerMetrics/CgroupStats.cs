namespace Agent.Receivers.ContainerMetrics;

/// <summary>The values a cgroup's files hold, in the units the metrics need (seconds, bytes, counts).</summary>
internal enum CgroupValue
{
    CpuUsageSeconds,
    CpuUserSeconds,
    CpuSystemSeconds,
    CfsPeriods,
    CfsThrottledPeriods,
    CfsThrottledSeconds,
    MemoryUsageBytes,
    MemoryWorkingSetBytes,
    MemoryRssBytes,
    MemoryCacheBytes,
    OomKills,
    Threads,
}

/// <summary>I/O of one cgroup on one block device: four counters, each with whether its file or field was read.</summary>
internal struct DeviceIo(uint major, uint minor)
{
    public const int ReadBytes = 0;
    public const int WriteBytes = 1;
    public const int Reads = 2;
    public const int Writes = 3;

    private ulong _readBytes;
    private ulong _writeBytes;
    private ulong _reads;
    private ulong _writes;
    private int _present;

    public readonly uint Major => major;

    public readonly uint Minor => minor;

    public void Set(int which, ulong value)
    {
        _present |= 1 << which;
        switch (which)
        {
            case ReadBytes:
                _readBytes = value;
                break;
            case WriteBytes:
                _writeBytes = value;
                break;
            case Reads:
                _reads = value;
                break;
            default:
                _writes = value;
                break;
        }
    }

    /// <summary>The counter <paramref name="which"/>, if it was read.</summary>
    public readonly bool TryGet(int which, out ulong value)
    {
        value = which switch { ReadBytes => _readBytes, WriteBytes => _writeBytes, Reads => _reads, _ => _writes };
        return (_present & (1 << which)) != 0;
    }
}

/// <summary>
/// What one read of one cgroup found: each value with whether it was there (a controller that is not enabled leaves
/// its values absent, which is not a failure), the I/O per device, and how many values could not be read.
/// Reused from read to read: <see cref="Clear"/> keeps its device list's room.
/// </summary>
internal sealed class CgroupStats
{
    private static readonly int ValueCount = Enum.GetValues<CgroupValue>().Length;

    private readonly double[] _values = new double[ValueCount];
    private readonly bool[] _present = new bool[ValueCount];

    public List<DeviceIo> Devices { get; } = [];

    /// <summary>Values of files that were there but could not be read or parsed.</summary>
    public int Failed { get; private set; }

    /// <summary>The cgroup's directory was gone before its files were all read: nothing of it is reported.</summary>
    public bool Vanished { get; set; }

    public void Clear()
    {
        Array.Clear(_present);
        Devices.Clear();
        Failed = 0;
        Vanished = false;
    }

    public void Set(CgroupValue which, double value)
    {
        _values[(int)which] = value;
        _present[(int)which] = true;
    }

    public bool TryGet(CgroupValue which, out double value)
    {
        value = _values[(int)which];
        return _present[(int)which];
    }

    /// <summary>Counts <paramref name="values"/> values lost to a file that could not be read or parsed.</summary>
    public void Fail(int values) => Failed += values;
}
