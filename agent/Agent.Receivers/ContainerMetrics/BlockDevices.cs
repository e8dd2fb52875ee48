namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Names block devices the way cAdvisor labels them (<c>/dev/sda</c>), from <c>/sys/dev/block/&lt;major&gt;:&lt;minor&gt;/uevent</c>'s
/// <c>DEVNAME</c>; a device without one keeps its <c>major:minor</c>. Names are kept: devices rarely come and go.
/// </summary>
internal sealed class BlockDevices(string sysDevBlock)
{
    private readonly Dictionary<(uint, uint), string> _names = [];

    public string Name(uint major, uint minor)
    {
        if (!_names.TryGetValue((major, minor), out string? name))
        {
            name = Resolve(major, minor);
            _names[(major, minor)] = name;
        }

        return name;
    }

    private string Resolve(uint major, uint minor)
    {
        string number = $"{major}:{minor}";
        try
        {
            foreach (string line in File.ReadLines(Path.Join(sysDevBlock, number, "uevent")))
            {
                if (line.StartsWith("DEVNAME=", StringComparison.Ordinal) && line.Length > 8)
                {
                    return "/dev/" + line[8..];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not a device this host's /sys knows (or /sys is not mounted): the number is the best name there is.
        }

        return number;
    }
}
