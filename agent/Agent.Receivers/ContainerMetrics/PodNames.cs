namespace Agent.Receivers.ContainerMetrics;

/// <summary>A pod's namespace and name.</summary>
internal sealed record PodName(string Namespace, string Name);

/// <summary>
/// Names for pod uids and container ids, without API access, from the kubelet's log directories:
/// <c>/var/log/pods/&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/</c> gives a uid its pod, and the links
/// <c>/var/log/containers/&lt;pod&gt;_&lt;namespace&gt;_&lt;container&gt;-&lt;id&gt;.log</c> give a container id its
/// name (every container that ever logged has one; a restarted container has one per id). Namespaces and pod names
/// hold no <c>_</c> (DNS labels), so the separators are unambiguous. Each table is rebuilt only when its directory
/// changed, so a steady node pays two stat calls per scrape.
/// </summary>
internal sealed class PodNames(string podLogsPath, string containerLogsPath)
{
    private readonly NameTable<PodName> _pods = new(podLogsPath, ParsePodDirectory, directories: true);
    private readonly NameTable<string> _containers = new(containerLogsPath, ParseContainerLink, directories: false);

    public void Refresh()
    {
        _pods.Refresh();
        _containers.Refresh();
    }

    public PodName? Pod(string uid) => _pods.Find(uid);

    public string? Container(string id) => _containers.Find(id);

    /// <summary><c>namespace_pod_uid</c> → (uid, namespace and pod).</summary>
    private static (string, PodName)? ParsePodDirectory(ReadOnlySpan<char> name)
    {
        int first = name.IndexOf('_');
        int last = name.LastIndexOf('_');
        if (first <= 0 || last <= first + 1 || last == name.Length - 1)
        {
            return null;
        }

        return (name[(last + 1)..].ToString(), new PodName(name[..first].ToString(), name[(first + 1)..last].ToString()));
    }

    /// <summary><c>pod_namespace_container-id.log</c> → (id, container).</summary>
    private static (string, string)? ParseContainerLink(ReadOnlySpan<char> name)
    {
        if (!name.EndsWith(".log", StringComparison.Ordinal))
        {
            return null;
        }

        name = name[..^4];
        int second = name.IndexOf('_') is int first and >= 0 ? name[(first + 1)..].IndexOf('_') + first + 1 : -1;
        int dash = name.LastIndexOf('-');
        if (second <= 0 || dash <= second + 1 || dash == name.Length - 1)
        {
            return null;
        }

        return (name[(dash + 1)..].ToString(), name[(second + 1)..dash].ToString());
    }

    /// <summary>One directory's entries parsed into a table by key, remade when the directory's modification time changes.</summary>
    private sealed class NameTable<T>(string directory, NameTable<T>.Parser parse, bool directories)
        where T : class
    {
        private Dictionary<string, T> _byKey = new(StringComparer.Ordinal);
        private DateTime _stamp = DateTime.MinValue;

        public delegate (string Key, T Value)? Parser(ReadOnlySpan<char> name);

        public T? Find(string key) => _byKey.GetValueOrDefault(key);

        public void Refresh()
        {
            var stamp = Directory.GetLastWriteTimeUtc(directory);
            if (stamp == _stamp)
            {
                return;
            }

            var table = new Dictionary<string, T>(StringComparer.Ordinal);
            try
            {
                var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
                var entries = directories ? Directory.EnumerateDirectories(directory, "*", options) : Directory.EnumerateFiles(directory, "*", options);
                foreach (string path in entries)
                {
                    if (parse(Path.GetFileName(path.AsSpan())) is var (key, value))
                    {
                        table[key] = value;
                    }
                }
            }
            catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                // No log directory (not a Kubernetes node, or not mounted): no names, and the ids stay as labels.
            }

            (_byKey, _stamp) = (table, stamp);
        }
    }
}
