using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Processing;
using Agent.Core.Telemetry;
using Agent.Kubernetes;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Processors.K8sAttributes;

/// <summary>
/// Adds a pod's Kubernetes metadata to every resource group it can associate with a cached pod, never replacing
/// an attribute the data already has. The cache is the process's shared one (one per settings, whatever the number
/// of pipelines); this processor holds a lease on it from start to shutdown. Lookups never wait for the API: a
/// resource whose pod is not known yet passes unchanged and is counted. Pods are found by resource attributes and
/// the connection, never by records, so those may stay encoded.
/// </summary>
internal sealed class K8sAttributesProcessor<TBatch> : Processor<TBatch>, IHandlesEncodedRecords
    where TBatch : Agent.Core.Model.Batch
{
    private readonly ComponentContext _context;
    private readonly K8sAttributesProcessorOptions _options;
    private readonly PodAssociationRules _association;
    private readonly MetadataExtraction _extraction;
    private readonly ICounter _unassociated;
    private KubernetesMetadataLease? _lease;

    public K8sAttributesProcessor(ComponentContext context, K8sAttributesProcessorOptions options, IConsumer<TBatch> next)
        : base(context, next, mutatesData: true)
    {
        _context = context;
        _options = options;
        _association = PodAssociationRules.Compile(options.PodAssociation);
        _extraction = new MetadataExtraction(options.Extract);
        _unassociated = context.Host.Telemetry.Counter(
            "agent_k8sattributes_unassociated_resources_total",
            "Resource groups the k8sattributes processor could not match to a cached pod (passed on unchanged).",
            ["processor"],
            [context.Id.ToString()]);
    }

    public bool HandlesEncodedRecords => true;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Passthrough)
        {
            return;
        }

        _lease = KubernetesMetadataCaches.Of(_context.Host).Acquire(K8sCacheSettings.From(_options, _extraction));
        if (!_options.WaitForMetadata)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.WaitForMetadataTimeout);
        try
        {
            await _lease.Cache.WaitForSyncAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A processor that failed to start is not shut down: its hold on the cache is given back here.
            await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"{Id}: the Kubernetes metadata was not listed within wait_for_metadata_timeout ({_options.WaitForMetadataTimeout}); is the API reachable and does the agent's role allow get/list/watch?");
        }
    }

    public override async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _lease, null) is { } lease)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override TBatch Process(TBatch batch)
    {
        var peer = batch.Context.PeerAddress;
        string? peerIp = peer is null ? null : PodAssociationRules.AddressText(peer);
        var cache = _lease?.Cache;
        foreach (var resource in batch.Resources)
        {
            var attributes = resource.Attributes;
            if (cache is null)
            {
                // Passthrough (or not started): the pod's address is all that is known; a gateway enriches by it.
                if (_options.Passthrough && peerIp is not null)
                {
                    AddIfAbsent(attributes, MetadataKeys.PodIp, peerIp);
                }

                continue;
            }

            Enrich(cache, attributes, peerIp);
        }

        return batch;
    }

    private void Enrich(KubernetesMetadataCache cache, IList<KeyValue> attributes, string? peerIp)
    {
        var pod = _association.Find(cache, attributes, peerIp, out bool byConnection);
        if (pod is null)
        {
            _unassociated.Add(1);
            return;
        }

        if (byConnection)
        {
            AddIfAbsent(attributes, MetadataKeys.PodIp, peerIp!);
        }

        foreach (var (key, value) in _extraction.For(cache, pod))
        {
            AddIfAbsent(attributes, key, value);
        }

        if (_extraction.ContainerKeys.Length == 0)
        {
            return;
        }

        // A pod with one container leaves no doubt which one sent the data, also when the resource does not say (an
        // SDK associated by its connection): its keys are added, so its spans, metrics and logs name the same one.
        var container = PodAssociationRules.StringOf(attributes, MetadataKeys.ContainerId) is { } id
            ? pod.ContainerWithId(id)
            : PodAssociationRules.StringOf(attributes, MetadataKeys.ContainerName) is { } name ? pod.ContainerNamed(name)
            : pod.Containers.Count == 1 ? pod.Containers[0] : null;
        if (container is null)
        {
            return;
        }

        foreach (var key in _extraction.ContainerKeys)
        {
            if (MetadataExtraction.ContainerValue(key, container) is { } value)
            {
                AddIfAbsent(attributes, key, value);
            }
        }
    }

    /// <summary>What the application (or the file path) already set wins: an attribute is only ever added.</summary>
    private static void AddIfAbsent(IList<KeyValue> attributes, string key, string value)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return;
            }
        }

        attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
    }
}
