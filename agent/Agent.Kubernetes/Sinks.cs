using System.Collections.Concurrent;
using k8s.Models;

namespace Agent.Kubernetes;

/// <summary>Pods go to the <see cref="PodIndex"/>; a pod the API sends without uid, name or namespace is counted and skipped.</summary>
internal sealed class PodSink(PodIndex index, KubernetesCacheTelemetry telemetry) : IWatchSink<V1Pod>
{
    public int Count => index.Count;

    public void Replace(IEnumerable<V1Pod> items)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (Convert(item) is { } pod)
            {
                index.Upsert(pod);
                listed.Add(pod.Uid);
            }
        }

        index.MarkMissingDeleted(listed);
    }

    public void Upsert(V1Pod item)
    {
        if (Convert(item) is { } pod)
        {
            index.Upsert(pod);
        }
    }

    public void Delete(V1Pod item)
    {
        if (item.Metadata?.Uid is { } uid)
        {
            index.MarkDeleted(uid);
        }
    }

    private PodMetadata? Convert(V1Pod item)
    {
        var pod = MetadataConversion.ToPod(item);
        if (pod is null)
        {
            telemetry.Failure("pods", "incomplete_object");
        }

        return pod;
    }
}

/// <summary>ReplicaSets by uid, kept only as their controlling owner: what names a pod's Deployment.</summary>
internal sealed class ReplicaSetSink : IWatchSink<V1ReplicaSet>
{
    private readonly ConcurrentDictionary<string, OwnerReference?> _owners = new(StringComparer.Ordinal);

    public int Count => _owners.Count;

    public OwnerReference? OwnerOf(string uid) => _owners.GetValueOrDefault(uid);

    public void Replace(IEnumerable<V1ReplicaSet> items)
    {
        // Upserted first, then what is gone removed: readers never see an empty cache during a relist.
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            Upsert(item);
            listed.Add(item.Metadata?.Uid ?? string.Empty);
        }

        RemoveMissing(_owners, listed);
    }

    public void Upsert(V1ReplicaSet item)
    {
        if (MetadataConversion.ToReplicaSetOwner(item) is { } entry)
        {
            _owners[entry.Uid] = entry.Owner;
        }
    }

    internal static void RemoveMissing<TValue>(ConcurrentDictionary<string, TValue> map, HashSet<string> listed)
    {
        foreach (var key in map.Keys)
        {
            if (!listed.Contains(key))
            {
                map.TryRemove(key, out _);
            }
        }
    }

    public void Delete(V1ReplicaSet item)
    {
        if (item.Metadata?.Uid is { } uid)
        {
            _owners.TryRemove(uid, out _);
        }
    }
}

/// <summary>Namespaces or nodes by name, with their labels and annotations.</summary>
internal sealed class ObjectSink<T> : IWatchSink<T>
    where T : k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, ObjectMetadata> _byName = new(StringComparer.Ordinal);

    public int Count => _byName.Count;

    public ObjectMetadata? Named(string name) => _byName.GetValueOrDefault(name);

    public void Replace(IEnumerable<T> items)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            Upsert(item);
            listed.Add(item.Metadata?.Name ?? string.Empty);
        }

        ReplicaSetSink.RemoveMissing(_byName, listed);
    }

    public void Upsert(T item)
    {
        if (MetadataConversion.ToObject(item.Metadata) is { } metadata)
        {
            _byName[metadata.Name] = metadata;
        }
    }

    public void Delete(T item)
    {
        if (item.Metadata?.Name is { } name)
        {
            _byName.TryRemove(name, out _);
        }
    }
}
