using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>
/// The running graph: extensions, exporters (one instance per id), then the pipelines downstream first (see
/// <see cref="PipelineGraph"/>): each pipeline's processor chain ends in a fan-out over its exporters and the
/// connectors it feeds (one instance per connector id and route, feeding every pipeline that names it as a
/// receiver), and receivers come last (one instance per id, fanning out to every pipeline that names it). Starts
/// in that order and shuts down in reverse, so no stage receives data after the stage behind it stopped:
/// receivers first, then each pipeline and connector upstream to downstream (flushing), exporters last.
/// Built for a reload, it adopts every instance of the running topology whose fingerprint is unchanged (see
/// <see cref="TakeOverAsync"/>).
/// </summary>
internal sealed partial class Topology
{
    private readonly List<(ComponentId Id, IComponent Component)> _extensions = [];
    private readonly Dictionary<ComponentId, IExporter> _exporters = [];
    private readonly List<IComponent> _pipelineStages = []; // processors and connectors, in creation order: downstream first
    private readonly Dictionary<(ComponentId, SignalRoute), (object Connector, string Fingerprint)> _connectors = [];
    private readonly Dictionary<PipelineId, (object Head, string Fingerprint)> _heads = []; // each pipeline's first consumer, typed by its signal
    private readonly List<(ComponentId Id, IComponent Component)> _receivers = [];
    private readonly Dictionary<ComponentId, ReceiverInputs> _receiverInputs = [];
    private readonly Dictionary<ComponentId, string> _extensionFingerprints = [];
    private readonly Dictionary<ComponentId, string> _exporterFingerprints = [];
    private readonly AgentConfig _config;
    private readonly IComponentHost _host;
    private readonly PipelineGraph _graph;
    private readonly ILogger _logger;
    private readonly Topology? _running;

    private Topology(AgentConfig config, IComponentHost host, ILogger logger, Topology? running)
    {
        _config = config;
        _host = host;
        _graph = PipelineGraph.Of(config);
        _logger = logger;
        _running = running;
    }

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Receivers => _receivers;

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Extensions => _extensions;

    public IReadOnlyDictionary<ComponentId, IExporter> Exporters => _exporters;

    /// <summary>What receiver <paramref name="id"/> hands its data to (its swappable inputs).</summary>
    public ReceiverConsumers InputsOf(ComponentId id) => _receiverInputs[id].Consumers;

    /// <summary>
    /// Creates the components of <paramref name="config"/>; those of <paramref name="running"/> (when reloading)
    /// whose fingerprint is unchanged are taken over instead of created, and nothing starts until
    /// <see cref="StartAsync"/> or <see cref="TakeOverAsync"/>.
    /// </summary>
    public static Topology Build(AgentConfig config, ComponentHost host, ILogger logger, Topology? running = null)
    {
        var topology = new Topology(config, host, logger, running);
        foreach (var id in config.ServiceExtensions)
        {
            var extension = config.Extensions[id];
            string fingerprint = Own(extension);
            var component = topology.Adopt(new(ComponentKind.Extension, id), fingerprint, () =>
                ((IExtensionFactory)extension.Factory).CreateExtension(new ComponentContext(id, extension.Options, host)));
            host.AddExtension(id, component);
            topology._extensions.Add((id, component));
            topology._extensionFingerprints[id] = fingerprint;
        }

        // Extensions exist before the components that look them up (file_storage) are created.
        foreach (var id in config.Pipelines.SelectMany(p => p.Exporters).Where(config.Exporters.ContainsKey).Distinct())
        {
            var exporter = config.Exporters[id];
            var signals = config.Pipelines.Where(p => p.Exporters.Contains(id)).Select(p => p.Id.Signal).ToHashSet();
            string fingerprint = $"{topology.OwnWithStorage(exporter)}|for:{string.Join(',', signals.Order())}";
            topology._exporters[id] = topology.Adopt(new(ComponentKind.Exporter, id), fingerprint, () =>
                ((IExporterFactory)exporter.Factory).CreateExporter(new ComponentContext(id, exporter.Options, host), signals));
            topology._exporterFingerprints[id] = fingerprint;
        }

        foreach (var pipeline in topology._graph.UpstreamFirst().Reverse())
        {
            switch (pipeline.Id.Signal)
            {
                case Signal.Traces: topology.Wire<TracesBatch>(pipeline); break;
                case Signal.Metrics: topology.Wire<MetricsBatch>(pipeline); break;
                default: topology.Wire<LogsBatch>(pipeline); break;
            }
        }

        foreach (var id in config.Pipelines.SelectMany(p => p.Receivers).Where(config.Receivers.ContainsKey).Distinct())
        {
            topology.AddReceiver(id, config.Receivers[id]);
        }

        return topology;
    }

    /// <summary>Makes this topology's extensions the ones components find again (after a reload that could not be set up).</summary>
    public void RegisterExtensions(ComponentHost host)
    {
        foreach (var (id, extension) in _extensions)
        {
            host.AddExtension(id, extension);
        }
    }

    /// <summary>Starts everything; on failure stops what already started and rethrows.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = new List<IComponent>();
        try
        {
            foreach (var component in StartOrder())
            {
                await component.StartAsync(cancellationToken).ConfigureAwait(false);
                started.Add(component);
            }
        }
        catch
        {
            started.Reverse();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            foreach (var component in started)
            {
                await StopQuietlyAsync(component, deadline.Token).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Stops receivers first, then pipelines and connectors upstream first (flushing), exporters (draining) and extensions, within one deadline.</summary>
    public async Task ShutdownAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var order = StartOrder().ToList();
        order.Reverse();
        foreach (var component in order)
        {
            await StopQuietlyAsync(component, deadline.Token).ConfigureAwait(false);
        }
    }

    private IEnumerable<IComponent> StartOrder() =>
        _extensions.Select(e => e.Component)
            .Concat(_exporters.Values)
            .Concat(_pipelineStages)
            .Concat(_receivers.Select(r => r.Component));

    private async Task StopQuietlyAsync(IComponent component, CancellationToken deadline)
    {
        try
        {
            await component.ShutdownAsync(deadline).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Shutting down {Component} failed", component);
        }
    }

    /// <summary>A component's own configuration: its type and its options as written.</summary>
    private static string Own(ComponentConfig component) => $"{component.Factory.Type}:{component.Fingerprint}";

    /// <summary>Its own configuration and that of every storage extension it names, which it holds on to.</summary>
    private string OwnWithStorage(ComponentConfig component)
    {
        var fingerprint = new System.Text.StringBuilder(Own(component));
        OptionsWalker.Walk(component.Options, string.Empty, (node, _) =>
        {
            if (node is IStorageReference { Storage.Length: > 0 } reference && ComponentId.TryParse(reference.Storage, out var storage, out string? _))
            {
                fingerprint.Append("|storage:").Append(_extensionFingerprints.GetValueOrDefault(storage.Value));
            }
        });
        return fingerprint.ToString();
    }

    /// <summary>Builds one pipeline from its outputs back to its first processor; every pipeline it feeds is already built.</summary>
    private void Wire<TBatch>(PipelineConfig pipeline)
        where TBatch : Batch
    {
        var outputs = new List<IConsumer<TBatch>>();
        var outputFingerprints = new List<string>();
        bool encoded = true;
        foreach (var id in pipeline.Exporters)
        {
            if (_config.Connectors.ContainsKey(id))
            {
                foreach (var to in _graph.Downstream(id, pipeline).Select(p => p.Id.Signal).Distinct())
                {
                    var (connector, fingerprint) = ConnectorFor<TBatch>(id, to);
                    outputs.Add(connector);
                    outputFingerprints.Add(fingerprint);
                    encoded &= ConnectorHandlesEncodedRecords(connector, id, pipeline, to);
                }
            }
            else
            {
                var exporter = _exporters[id].ConsumerFor<TBatch>() ?? throw new InvalidOperationException($"exporter {id} has no {pipeline.Id.Signal.ConfigName()} consumer");
                outputs.Add(exporter);
                outputFingerprints.Add($"exporter {id}={_exporterFingerprints[id]}");
                encoded &= HandlesEncodedRecords(exporter);
            }
        }

        var next = FanOutConsumer<TBatch>.Of(outputs);
        string nextFingerprint = $"({string.Join(',', outputFingerprints)})";
        for (int i = pipeline.Processors.Count - 1; i >= 0; i--)
        {
            var id = pipeline.Processors[i];
            var processorConfig = _config.Processors[id];
            var following = next;
            string place = $"{pipeline.Id}#{i}";
            string fingerprint = $"processor {id}@{place}={Own(processorConfig)}>{nextFingerprint}";
            var processor = Adopt(new(ComponentKind.Processor, id, place), fingerprint, () => ((IProcessorFactory)processorConfig.Factory)
                .CreateProcessor(new ComponentContext(id, processorConfig.Options, _host), following));
            _pipelineStages.Add(processor);
            (next, nextFingerprint) = (processor, fingerprint);
            encoded &= HandlesEncodedRecords(processor);
        }

        _heads[pipeline.Id] = (next, nextFingerprint);
        _encodedPipelines[pipeline.Id] = encoded;
    }

    /// <summary>The instance of connector <paramref name="id"/> from <typeparamref name="TIn"/> to <paramref name="to"/>, shared by every pipeline that feeds it.</summary>
    private (IConsumer<TIn> Connector, string Fingerprint) ConnectorFor<TIn>(ComponentId id, Signal to)
        where TIn : Batch
    {
        var route = new SignalRoute(SignalNames.OfBatch<TIn>(), to);
        if (!_connectors.TryGetValue((id, route), out var known))
        {
            var connectorConfig = _config.Connectors[id];
            var factory = (IConnectorFactory)connectorConfig.Factory;
            var context = new ComponentContext(id, connectorConfig.Options, _host);
            var (traces, metrics, logs) = (FanOutTo<TracesBatch>(id), FanOutTo<MetricsBatch>(id), FanOutTo<LogsBatch>(id));
            string downstream = to switch
            {
                Signal.Traces => traces.Fingerprint,
                Signal.Metrics => metrics.Fingerprint,
                _ => logs.Fingerprint,
            };
            string fingerprint = $"connector {id}={Own(connectorConfig)}|{route}>{downstream}";
            var created = Adopt<IConnector<TIn>>(new(ComponentKind.Connector, id, route.ToString()), fingerprint, () => to switch
            {
                Signal.Traces => factory.CreateConnector<TIn, TracesBatch>(context, traces.Consumer!),
                Signal.Metrics => factory.CreateConnector<TIn, MetricsBatch>(context, metrics.Consumer!),
                _ => factory.CreateConnector<TIn, LogsBatch>(context, logs.Consumer!),
            });
            _pipelineStages.Add(created);
            _connectors[(id, route)] = known = (created, fingerprint);
        }

        return ((IConsumer<TIn>)known.Connector, known.Fingerprint);
    }

    /// <summary>
    /// A receiver is kept when its own configuration and the signals it feeds are unchanged; its inputs then lead
    /// to the new pipelines, switched over by <see cref="TakeOverAsync"/> when those differ.
    /// </summary>
    private void AddReceiver(ComponentId id, ComponentConfig receiver)
    {
        var (traces, metrics, logs) = (FanOutTo<TracesBatch>(id), FanOutTo<MetricsBatch>(id), FanOutTo<LogsBatch>(id));
        var targets = new ReceiverConsumers(traces.Consumer, metrics.Consumer, logs.Consumer);
        string downstream = $"traces{traces.Fingerprint}|metrics{metrics.Fingerprint}|logs{logs.Fingerprint}";
        string feeds = $"{(traces.Consumer is null ? string.Empty : "t")}{(metrics.Consumer is null ? string.Empty : "m")}{(logs.Consumer is null ? string.Empty : "l")}";
        string fingerprint = $"{OwnWithStorage(receiver)}|feeds:{feeds}";
        var key = new ComponentKey(ComponentKind.Receiver, id);
        var onDisk = AcknowledgesOnDisk(id);
        var encoded = HandlesEncodedRecords(id);
        ReceiverInputs? inputs = null;
        var component = Adopt(key, fingerprint, () =>
        {
            inputs = ReceiverInputs.For(targets, onDisk, encoded, downstream);
            return ((IReceiverFactory)receiver.Factory).CreateReceiver(new ComponentContext(id, receiver.Options, _host), inputs.Consumers);
        });
        _receiverInputs[id] = inputs ?? _running!._receiverInputs[id].LeadingTo(targets, onDisk, encoded, downstream);
        _receivers.Add((id, component));
    }

    /// <summary>
    /// A fan-out over the pipelines of <typeparamref name="TBatch"/>'s signal that name <paramref name="receiver"/>
    /// (a receiver or connector), null when none does, and the fingerprint of what it leads to.
    /// </summary>
    private (IConsumer<TBatch>? Consumer, string Fingerprint) FanOutTo<TBatch>(ComponentId receiver)
        where TBatch : Batch
    {
        var heads = _config.Pipelines
            .Where(p => p.Id.Signal == SignalNames.OfBatch<TBatch>() && p.Receivers.Contains(receiver))
            .Select(p => _heads[p.Id])
            .ToList();
        return heads.Count == 0
            ? (null, "()")
            : (FanOutConsumer<TBatch>.Of([.. heads.Select(h => (IConsumer<TBatch>)h.Head)]), $"({string.Join(',', heads.Select(h => h.Fingerprint))})");
    }
}
