using Agent.Config;
using Agent.Core.Components;
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
/// </summary>
internal sealed class Topology
{
    private readonly List<(ComponentId Id, IComponent Component)> _extensions = [];
    private readonly Dictionary<ComponentId, IExporter> _exporters = [];
    private readonly List<IComponent> _pipelineStages = []; // processors and connectors, in creation order: downstream first
    private readonly Dictionary<(ComponentId, SignalRoute), object> _connectors = [];
    private readonly Dictionary<PipelineId, object> _heads = []; // each pipeline's first consumer, typed by its signal
    private readonly List<(ComponentId Id, IComponent Component)> _receivers = [];
    private readonly AgentConfig _config;
    private readonly IComponentHost _host;
    private readonly PipelineGraph _graph;
    private readonly ILogger _logger;

    private Topology(AgentConfig config, IComponentHost host, ILogger logger)
    {
        _config = config;
        _host = host;
        _graph = PipelineGraph.Of(config);
        _logger = logger;
    }

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Receivers => _receivers;

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Extensions => _extensions;

    public static Topology Build(AgentConfig config, ComponentHost host, ILogger logger)
    {
        var topology = new Topology(config, host, logger);
        foreach (var id in config.ServiceExtensions)
        {
            var extension = config.Extensions[id];
            var factory = (IExtensionFactory)extension.Factory;
            var component = factory.CreateExtension(new ComponentContext(id, extension.Options, host));
            host.AddExtension(id, component);
            topology._extensions.Add((id, component));
        }

        // Extensions exist before the components that look them up (file_storage) are created.
        foreach (var id in config.Pipelines.SelectMany(p => p.Exporters).Where(config.Exporters.ContainsKey).Distinct())
        {
            var exporter = config.Exporters[id];
            var signals = config.Pipelines.Where(p => p.Exporters.Contains(id)).Select(p => p.Id.Signal).ToHashSet();
            topology._exporters[id] = ((IExporterFactory)exporter.Factory).CreateExporter(new ComponentContext(id, exporter.Options, host), signals);
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
            var receiver = config.Receivers[id];
            var consumers = new ReceiverConsumers(topology.FanOutTo<TracesBatch>(id), topology.FanOutTo<MetricsBatch>(id), topology.FanOutTo<LogsBatch>(id));
            topology._receivers.Add((id, ((IReceiverFactory)receiver.Factory).CreateReceiver(new ComponentContext(id, receiver.Options, host), consumers)));
        }

        return topology;
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

    /// <summary>Builds one pipeline from its outputs back to its first processor; every pipeline it feeds is already built.</summary>
    private void Wire<TBatch>(PipelineConfig pipeline)
        where TBatch : Batch
    {
        var outputs = new List<IConsumer<TBatch>>();
        foreach (var id in pipeline.Exporters)
        {
            if (_config.Connectors.ContainsKey(id))
            {
                outputs.AddRange(_graph.Downstream(id, pipeline).Select(p => p.Id.Signal).Distinct().Select(to => ConnectorFor<TBatch>(id, to)));
            }
            else
            {
                outputs.Add(_exporters[id].ConsumerFor<TBatch>() ?? throw new InvalidOperationException($"exporter {id} has no {pipeline.Id.Signal.ConfigName()} consumer"));
            }
        }

        var next = FanOutConsumer<TBatch>.Of(outputs);
        for (int i = pipeline.Processors.Count - 1; i >= 0; i--)
        {
            var id = pipeline.Processors[i];
            var processorConfig = _config.Processors[id];
            var processor = ((IProcessorFactory)processorConfig.Factory)
                .CreateProcessor(new ComponentContext(id, processorConfig.Options, _host), next);
            _pipelineStages.Add(processor);
            next = processor;
        }

        _heads[pipeline.Id] = next;
    }

    /// <summary>The instance of connector <paramref name="id"/> from <typeparamref name="TIn"/> to <paramref name="to"/>, shared by every pipeline that feeds it.</summary>
    private IConsumer<TIn> ConnectorFor<TIn>(ComponentId id, Signal to)
        where TIn : Batch
    {
        var key = (id, new SignalRoute(SignalNames.OfBatch<TIn>(), to));
        if (!_connectors.TryGetValue(key, out var connector))
        {
            var connectorConfig = _config.Connectors[id];
            var factory = (IConnectorFactory)connectorConfig.Factory;
            var context = new ComponentContext(id, connectorConfig.Options, _host);
            IConnector<TIn> created = to switch
            {
                Signal.Traces => factory.CreateConnector<TIn, TracesBatch>(context, FanOutTo<TracesBatch>(id)!),
                Signal.Metrics => factory.CreateConnector<TIn, MetricsBatch>(context, FanOutTo<MetricsBatch>(id)!),
                _ => factory.CreateConnector<TIn, LogsBatch>(context, FanOutTo<LogsBatch>(id)!),
            };
            _pipelineStages.Add(created);
            _connectors[key] = connector = created;
        }

        return (IConsumer<TIn>)connector;
    }

    /// <summary>A fan-out over the pipelines of <typeparamref name="TBatch"/>'s signal that name <paramref name="receiver"/> (a receiver or connector); null when none does.</summary>
    private IConsumer<TBatch>? FanOutTo<TBatch>(ComponentId receiver)
        where TBatch : Batch
    {
        var heads = _config.Pipelines
            .Where(p => p.Id.Signal == SignalNames.OfBatch<TBatch>() && p.Receivers.Contains(receiver))
            .Select(p => (IConsumer<TBatch>)_heads[p.Id])
            .ToList();
        return heads.Count == 0 ? null : FanOutConsumer<TBatch>.Of(heads);
    }
}
