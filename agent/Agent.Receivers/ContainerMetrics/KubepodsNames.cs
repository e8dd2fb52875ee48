using System.Buffers;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>A pod's Quality of Service class, as the kubelet places its cgroup.</summary>
internal enum QosClass
{
    Guaranteed,
    Burstable,
    BestEffort,
}

/// <summary>
/// The kubelet's cgroup directory names under both drivers. systemd: <c>kubepods.slice/kubepods-burstable.slice/
/// kubepods-burstable-pod&lt;uid with _&gt;.slice/cri-containerd-&lt;id&gt;.scope</c> (or <c>crio-</c>, <c>docker-</c>);
/// cgroupfs: <c>kubepods/burstable/pod&lt;uid&gt;/&lt;id&gt;</c>. Guaranteed pods sit directly under kubepods.
/// </summary>
internal static class KubepodsNames
{
    public static readonly string[] Roots = ["kubepods.slice", "kubepods"];

    private static readonly string[] ScopePrefixes = ["cri-containerd-", "crio-", "docker-"];
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> UidCharacters = SearchValues.Create("0123456789abcdef-_");

    /// <summary>The QoS class a directory under kubepods stands for, if it is a QoS directory.</summary>
    public static bool TryParseQos(ReadOnlySpan<char> name, out QosClass qos)
    {
        qos = QosClass.Guaranteed;
        if (name is "burstable" or "kubepods-burstable.slice")
        {
            qos = QosClass.Burstable;
            return true;
        }

        if (name is "besteffort" or "kubepods-besteffort.slice")
        {
            qos = QosClass.BestEffort;
            return true;
        }

        return false;
    }

    /// <summary>The pod uid of a pod directory (<c>pod&lt;uid&gt;</c>, <c>...-pod&lt;uid_with_underscores&gt;.slice</c>).</summary>
    public static string? PodUid(ReadOnlySpan<char> name)
    {
        ReadOnlySpan<char> uid = default;
        if (name.EndsWith(".slice", StringComparison.Ordinal))
        {
            int at = name.LastIndexOf("-pod", StringComparison.Ordinal);
            uid = at < 0 ? default : name[(at + 4)..^6];
        }
        else if (name.StartsWith("pod", StringComparison.Ordinal))
        {
            uid = name[3..];
        }

        // The systemd driver writes the uid's dashes as underscores (a dash separates slice levels).
        return uid.IsEmpty || uid.ContainsAnyExcept(UidCharacters) ? null : uid.ToString().Replace('_', '-');
    }

    /// <summary>The container id of a container directory; null for what is not one (CRI-O's conmon scopes).</summary>
    public static string? ContainerId(ReadOnlySpan<char> name)
    {
        if (name.StartsWith("crio-conmon-", StringComparison.Ordinal))
        {
            return null;
        }

        if (name.EndsWith(".scope", StringComparison.Ordinal))
        {
            name = name[..^6];
        }

        foreach (string prefix in ScopePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        return name.Length > 0 && !name.ContainsAnyExcept(HexDigits) ? name.ToString() : null;
    }
}
