using Agent.Core.Components;
using k8s;
using Microsoft.Extensions.Logging;

namespace Agent.Kubernetes;

/// <summary>
/// The process's Kubernetes metadata caches, one per distinct <see cref="KubernetesMetadataSettings"/>, counted by
/// reference: the first <see cref="Acquire"/> starts a cache, later ones with equal settings share it (every
/// pipeline's processor, the scrape receiver's discovery, the container metrics receiver), and the last lease
/// disposed stops it. Reached through the host's shared objects with <see cref="Of"/>, so components of any kind
/// find the same instance without referencing each other.
/// </summary>
public sealed class KubernetesMetadataCaches
{
    /// <summary>The key the registry is shared under (not a configurable component).</summary>
    public static readonly ComponentId SharedId = new("kubernetes_metadata");

    private readonly Dictionary<KubernetesMetadataSettings, Entry> _entries = [];
    private readonly IComponentHost _host;
    private readonly WatchTiming _timing;
    private readonly Func<KubernetesMetadataSettings, IKubernetes> _connect;

    public KubernetesMetadataCaches(IComponentHost host, WatchTiming? timing = null, Func<KubernetesMetadataSettings, IKubernetes>? connect = null)
    {
        _host = host;
        _timing = timing ?? WatchTiming.Default;
        _connect = connect ?? KubernetesConnection.Connect;
    }

    /// <summary>The registry of the process that <paramref name="host"/> runs.</summary>
    public static KubernetesMetadataCaches Of(IComponentHost host) => host.GetOrAddShared(SharedId, () => new KubernetesMetadataCaches(host));

    /// <summary>
    /// A lease on the cache for <paramref name="settings"/>, started if it is the first. Throws when the API's
    /// configuration cannot be built (no service account, no kubeconfig): a start-up error, not a runtime one.
    /// </summary>
    public KubernetesMetadataLease Acquire(KubernetesMetadataSettings settings)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(settings, out var entry))
            {
                var logger = _host.LoggerFactory.CreateLogger(typeof(KubernetesMetadataCache).FullName!);
                var cache = new KubernetesMetadataCache(settings, _connect(settings), _host.Telemetry, logger, _timing);
                cache.Start();
                entry = new Entry(cache);
                _entries.Add(settings, entry);
            }

            entry.Leases++;
            return new KubernetesMetadataLease(this, entry.Cache);
        }
    }

    /// <summary>How many caches run (for tests: one per distinct settings).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The running caches (for tests and diagnostics).</summary>
    internal IReadOnlyList<KubernetesMetadataCache> Running
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Values.Select(entry => entry.Cache)];
            }
        }
    }

    internal ValueTask ReleaseAsync(KubernetesMetadataCache cache)
    {
        lock (_entries)
        {
            var entry = _entries[cache.Settings];
            if (--entry.Leases > 0)
            {
                return ValueTask.CompletedTask;
            }

            _entries.Remove(cache.Settings);
        }

        return cache.DisposeAsync();
    }

    private sealed class Entry(KubernetesMetadataCache cache)
    {
        public KubernetesMetadataCache Cache { get; } = cache;

        public int Leases { get; set; }
    }
}

/// <summary>One holder's use of a shared cache; disposing it once gives the hold back.</summary>
public sealed class KubernetesMetadataLease : IAsyncDisposable
{
    private readonly KubernetesMetadataCaches _owner;
    private int _released;

    internal KubernetesMetadataLease(KubernetesMetadataCaches owner, KubernetesMetadataCache cache)
    {
        _owner = owner;
        Cache = cache;
    }

    public KubernetesMetadataCache Cache { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _owner.ReleaseAsync(Cache) : ValueTask.CompletedTask;
}
