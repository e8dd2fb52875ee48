using System.Collections.Concurrent;

namespace Agent.Kubernetes;

/// <summary>
/// The cached pods, found by uid, by IP, by namespace and name, or by container id. Readers (pipelines) never lock;
/// the one watch loop writes. A deleted pod stays findable until its grace period ends, since its last log lines
/// are read after it is gone; an index entry is removed only if it still points at the pod being removed, so a new
/// pod that took the IP keeps it.
/// </summary>
internal sealed class PodIndex(TimeProvider time, TimeSpan deletionGrace)
{
    private readonly ConcurrentDictionary<string, PodMetadata> _byUid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PodMetadata> _byIp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Name), PodMetadata> _byName = new();
    private readonly ConcurrentDictionary<string, PodMetadata> _byContainerId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deletedAt = new(StringComparer.Ordinal);

    public int Count => _byUid.Count;

    public int DeletedCount => _deletedAt.Count;

    public PodMetadata? ByUid(string uid) => _byUid.GetValueOrDefault(uid);

    public PodMetadata? ByIp(string ip) => _byIp.GetValueOrDefault(ip);

    public PodMetadata? ByName(string ns, string name) => _byName.GetValueOrDefault((ns, name));

    public PodMetadata? ByContainerId(string id) => _byContainerId.GetValueOrDefault(id);

    public IEnumerable<PodMetadata> All => _byUid.Values;

    public void Upsert(PodMetadata pod)
    {
        if (_byUid.TryGetValue(pod.Uid, out var previous))
        {
            Unindex(previous);
        }

        _deletedAt.TryRemove(pod.Uid, out _);
        _byUid[pod.Uid] = pod;
        _byName[(pod.Namespace, pod.Name)] = pod;
        if (pod.Ip is not null && !pod.HostNetwork)
        {
            // Host-network pods share the node's address: it names none of them.
            _byIp[pod.Ip] = pod;
        }

        foreach (var container in pod.Containers)
        {
            if (container.Id is not null)
            {
                _byContainerId[container.Id] = pod;
            }
        }
    }

    /// <summary>Marks the pod deleted: it is removed by <see cref="Sweep"/> once the grace period has passed.</summary>
    public void MarkDeleted(string uid) => _deletedAt.TryAdd(uid, time.GetUtcNow());

    /// <summary>After a relist, pods the API no longer lists were deleted while the watch was down.</summary>
    public void MarkMissingDeleted(IReadOnlySet<string> listedUids)
    {
        foreach (var uid in _byUid.Keys)
        {
            if (!listedUids.Contains(uid))
            {
                MarkDeleted(uid);
            }
        }
    }

    /// <summary>Removes the pods whose grace period has passed; returns how many.</summary>
    public int Sweep()
    {
        var now = time.GetUtcNow();
        int removed = 0;
        foreach (var (uid, deletedAt) in _deletedAt)
        {
            if (now - deletedAt < deletionGrace)
            {
                continue;
            }

            _deletedAt.TryRemove(uid, out _);
            if (_byUid.TryRemove(uid, out var pod))
            {
                Unindex(pod);
                removed++;
            }
        }

        return removed;
    }

    private void Unindex(PodMetadata pod)
    {
        _byName.TryRemove(KeyValuePair.Create((pod.Namespace, pod.Name), pod));
        if (pod.Ip is not null)
        {
            _byIp.TryRemove(KeyValuePair.Create(pod.Ip, pod));
        }

        foreach (var container in pod.Containers)
        {
            if (container.Id is not null)
            {
                _byContainerId.TryRemove(KeyValuePair.Create(container.Id, pod));
            }
        }
    }
}
