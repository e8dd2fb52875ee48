using Agent.Core.Config;

namespace Agent.Receivers.HostMetrics;

/// <summary>How the names of an include or exclude block are compared, as the Collector's <c>filterset</c>.</summary>
public enum NameMatch
{
    /// <summary>Equal names.</summary>
    Strict,

    /// <summary>Regular expressions that match anywhere in the name (anchor with <c>^…$</c> for the whole name).</summary>
    Regexp,
}

/// <summary>
/// One include or exclude block of the Collector's hostmetrics scrapers: a list of names and a <c>match_type</c>.
/// The list's key differs per scraper (<c>devices</c>, <c>interfaces</c>, <c>fs_types</c>, <c>mount_points</c>),
/// hence one small subclass per key.
/// </summary>
public abstract class NameFilterOptions : IValidatable
{
    public NameMatch MatchType { get; set; } = NameMatch.Strict;

    /// <summary>The key of the list, for messages.</summary>
    internal abstract string ListKey { get; }

    internal abstract List<string> Listed { get; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Listed.Count == 0)
        {
            yield return (ListKey, "must list at least one name");
        }

        if (MatchType != NameMatch.Regexp)
        {
            yield break;
        }

        foreach (string pattern in Listed)
        {
            if (!ConfigRegex.TryCreate(pattern, out _, out string? error))
            {
                yield return (ListKey, $"\"{pattern}\": {error}");
            }
        }
    }
}

/// <summary><c>{devices: [...], match_type: strict|regexp}</c> (disk, filesystem).</summary>
public sealed class DeviceFilterOptions : NameFilterOptions
{
    public List<string> Devices { get; set; } = [];

    internal override string ListKey => "devices";

    internal override List<string> Listed => Devices;
}

/// <summary><c>{interfaces: [...], match_type: strict|regexp}</c> (network).</summary>
public sealed class InterfaceFilterOptions : NameFilterOptions
{
    public List<string> Interfaces { get; set; } = [];

    internal override string ListKey => "interfaces";

    internal override List<string> Listed => Interfaces;
}

/// <summary><c>{fs_types: [...], match_type: strict|regexp}</c> (filesystem).</summary>
public sealed class FsTypeFilterOptions : NameFilterOptions
{
    public List<string> FsTypes { get; set; } = [];

    internal override string ListKey => "fs_types";

    internal override List<string> Listed => FsTypes;
}

/// <summary><c>{mount_points: [...], match_type: strict|regexp}</c> (filesystem).</summary>
public sealed class MountPointFilterOptions : NameFilterOptions
{
    public List<string> MountPoints { get; set; } = [];

    internal override string ListKey => "mount_points";

    internal override List<string> Listed => MountPoints;
}

/// <summary><c>{names: [...], match_type: strict|regexp}</c> (process: executable names).</summary>
public sealed class ProcessNameFilterOptions : NameFilterOptions
{
    public List<string> Names { get; set; } = [];

    internal override string ListKey => "names";

    internal override List<string> Listed => Names;
}
