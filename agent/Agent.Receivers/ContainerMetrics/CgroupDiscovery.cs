using System.IO.Enumeration;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Finds the pod and container cgroups under kubepods on each scrape. The tree is walked every time (containers
/// come and go), but directories already known are looked up by the span of their name, so a steady node costs a
/// directory listing per pod and no new strings.
/// </summary>
internal sealed class CgroupDiscovery
{
    private static readonly EnumerationOptions Listing = new() { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };

    private CgroupLayout? _layout;
    private CgroupNode? _kubepods;
    private int _walk;

    /// <summary>Fills <paramref name="found"/> with every pod cgroup, each followed by its containers' cgroups.</summary>
    public void Find(CgroupLayout layout, List<CgroupNode> found)
    {
        found.Clear();
        _walk++;
        if (_layout is null || _layout.IsV2 != layout.IsV2 || _layout.WalkedRoot != layout.WalkedRoot)
        {
            (_layout, _kubepods) = (layout, null);
        }

        if (_kubepods is null || !Directory.Exists(layout.WalkedRoot + _kubepods.RelativePath))
        {
            string? root = KubepodsNames.Roots.FirstOrDefault(name => Directory.Exists(Path.Join(layout.WalkedRoot, name)));
            _kubepods = root is null ? null : new CgroupNode(CgroupNodeKind.Kubepods, "/" + root, QosClass.Guaranteed);
        }

        if (_kubepods is null)
        {
            return;
        }

        foreach (var child in List(_kubepods))
        {
            if (child.Kind == CgroupNodeKind.QosClass)
            {
                foreach (var pod in List(child))
                {
                    AddPod(pod, found);
                }
            }
            else
            {
                AddPod(child, found);
            }
        }
    }

    private void AddPod(CgroupNode pod, List<CgroupNode> found)
    {
        if (pod.Kind != CgroupNodeKind.Pod)
        {
            return;
        }

        found.Add(pod);
        foreach (var container in List(pod))
        {
            if (container.Kind == CgroupNodeKind.Container)
            {
                found.Add(container);
            }
        }
    }

    /// <summary>The directory's children now; those gone since the last walk are forgotten. A vanished directory has none.</summary>
    private Dictionary<string, CgroupNode>.ValueCollection List(CgroupNode parent)
    {
        var known = parent.Children.GetAlternateLookup<ReadOnlySpan<char>>();
        int walk = _walk;
        try
        {
            var entries = new FileSystemEnumerable<CgroupNode>(
                _layout!.WalkedRoot + parent.RelativePath,
                (ref entry) =>
                {
                    if (!known.TryGetValue(entry.FileName, out var child))
                    {
                        child = parent.Child(entry.FileName);
                        known[entry.FileName] = child;
                    }

                    child.SeenInWalk = walk;
                    return child;
                },
                Listing)
            {
                ShouldIncludePredicate = (ref entry) => entry.IsDirectory,
            };
            foreach (var _ in entries)
            {
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The pod or QoS directory went away while listed: what was seen of it is dropped below.
        }

        foreach (var (name, child) in parent.Children)
        {
            if (child.SeenInWalk != walk)
            {
                parent.Children.Remove(name);
            }
        }

        return parent.Children.Values;
    }
}
