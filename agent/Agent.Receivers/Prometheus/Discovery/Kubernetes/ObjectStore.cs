using Agent.Kubernetes;
using k8s;
using k8s.Models;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>The objects one watch reported, by namespace and name, as the API sent them; every change calls <paramref name="changed"/>.</summary>
internal sealed class ObjectStore<T>(Action changed) : IWatchSink<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items.Values];
            }
        }
    }

    public T? Find(string ns, string name)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(Key(ns, name));
        }
    }

    public void Replace(IEnumerable<T> items)
    {
        lock (_gate)
        {
            _items.Clear();
            foreach (var item in items)
            {
                _items[Key(item)] = item;
            }
        }

        changed();
    }

    public void Upsert(T item)
    {
        lock (_gate)
        {
            _items[Key(item)] = item;
        }

        changed();
    }

    public void Delete(T item)
    {
        lock (_gate)
        {
            _items.Remove(Key(item));
        }

        changed();
    }

    private static string Key(T item) => Key(item.Metadata?.NamespaceProperty, item.Metadata?.Name);

    private static string Key(string? ns, string? name) => $"{ns}/{name}";
}
