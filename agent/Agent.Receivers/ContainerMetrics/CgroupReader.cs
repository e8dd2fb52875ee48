using System.Runtime.InteropServices;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Reads one cgroup's files into <see cref="CgroupStats"/>; v1 and v2 differ only in file names and formats. A file
/// that is absent gives no values (its controller is off); one that cannot be read or parsed is counted failed for
/// the values it would have given; once the directory is gone the cgroup is marked vanished and reading stops.
/// </summary>
internal abstract class CgroupReader(CgroupFileReader files)
{
    private CgroupNode? _node;

    protected CgroupStats Stats { get; private set; } = new();

    public void Read(CgroupNode node, CgroupStats stats)
    {
        (_node, Stats) = (node, stats);
        stats.Clear();
        ReadFiles();
    }

    protected abstract void ReadFiles();

    /// <summary>The text of <paramref name="file"/>, which gives <paramref name="values"/> values.</summary>
    protected bool TryRead(CgroupFile file, int values, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (Stats.Vanished)
        {
            return false;
        }

        var (directories, paths) = _node!.Files;
        switch (files.Read(directories[(int)file], paths[(int)file], out text))
        {
            case FileReadStatus.Read:
                return true;
            case FileReadStatus.Failed:
                Stats.Fail(values);
                return false;
            case FileReadStatus.Vanished:
                Stats.Vanished = true;
                return false;
            default:
                return false;
        }
    }

    /// <summary>A file of one number (<c>memory.current</c>, <c>pids.current</c>) into one value.</summary>
    protected bool TryReadSingle(CgroupFile file, CgroupValue value, double divisor, out ulong number)
    {
        number = 0;
        if (!TryRead(file, 1, out var text))
        {
            return false;
        }

        if (!CgroupText.TryParseSingle(text, out number))
        {
            return Malformed(file, 1);
        }

        Stats.Set(value, number / divisor);
        return true;
    }

    /// <summary>The number after <paramref name="key"/> in a file of <c>key value</c> lines; a missing key counts as failed.</summary>
    protected bool TryKeyed(CgroupFile file, ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, out ulong number) =>
        CgroupText.TryFindKeyed(text, key, out number, out _) || Malformed(file, 1);

    /// <summary>As <see cref="TryKeyed"/>, straight into a value.</summary>
    protected void Keyed(CgroupFile file, ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, CgroupValue value, double divisor)
    {
        if (TryKeyed(file, text, key, out ulong number))
        {
            Stats.Set(value, number / divisor);
        }
    }

    /// <summary>Counts <paramref name="values"/> values lost to a file whose text is not what it should be.</summary>
    protected bool Malformed(CgroupFile file, int values)
    {
        Stats.Fail(values);
        files.Malformed(file, _node!.Files.Paths[(int)file]);
        return false;
    }

    /// <summary>Working set as the kubelet computes it: usage less inactive file pages, never below 0.</summary>
    protected void SetWorkingSet(ulong usage, ulong inactiveFile) =>
        Stats.Set(CgroupValue.MemoryWorkingSetBytes, usage > inactiveFile ? usage - inactiveFile : 0);

    /// <summary>The I/O entry of a device, added on first sight.</summary>
    protected ref DeviceIo Device(uint major, uint minor)
    {
        var devices = CollectionsMarshal.AsSpan(Stats.Devices);
        for (int i = 0; i < devices.Length; i++)
        {
            if (devices[i].Major == major && devices[i].Minor == minor)
            {
                return ref devices[i];
            }
        }

        Stats.Devices.Add(new DeviceIo(major, minor));
        return ref CollectionsMarshal.AsSpan(Stats.Devices)[^1];
    }
}
