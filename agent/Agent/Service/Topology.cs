using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>
/// The running graph: extensions, exporters (one instance per id), processors (one chain per pipeline) and
/// receivers (one instance per id, fanning out to every pipeline that names it). Starts in dependency order and
/// shuts down in reverse, so no stage receives data after the stage behind it stopped.
/// </summary>
internal sealed class Topology
{
    private readonly List<(ComponentId Id, IComponent Component)> _extensions = [];
    private readonly Dictionary<ComponentId, IExporter> _exporters = [];
    private readonly List<(string Name, IComponent Component)> _processors = [];
    private readonly List<(ComponentId Id, IComponent Component)> _receivers = [];
    private readonly ILogger _logger;

    private Topology(ILogger logger)
    {
        _logger = logger;
    }

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Receivers => _receivers;

    public IReadOnlyList<(ComponentId Id, IComponent Component)> Extensions => _extensions;

    public static Topology Build(AgentConfig config, ComponentHost host, ILogger logger)
    {
        var topology = new Topology(logger);
        foreach (var id in config.ServiceExtensions)
        {
            var extension = config.Extensions[id];
            var factory = (IExtensionFactory)extension.Factory;
            var component = factory.CreateExtension(new ComponentContext(id, extension.Options, host));
            host.AddExtension(id, component);
            topology._extensions.Add((id, component));
        }

        // Extensions exist before the components that look them up (file_storage) are created.
        foreach (var id in config.Pipelines.SelectMany(p => p.Exporters).Distinct())
        {
            var exporter = config.Exporters[id];
            var signals = config.Pipelines.Where(p => p.Exporters.Contains(id)).Select(p => p.Id.Signal).ToHashSet();
            topology._exporters[id] = ((IExporterFactory)exporter.Factory).CreateExporter(new ComponentContext(id, exporter.Options, host), signals);
        }

        var traces = new Dictionary<ComponentId, List<IConsumer<TracesBatch>>>();
        var metrics = new Dictionary<ComponentId, List<IConsumer<MetricsBatch>>>();
        var logs = new Dictionary<ComponentId, List<IConsumer<LogsBatch>>>();
        foreach (var pipeline in config.Pipelines)
        {
            switch (pipeline.Id.Signal)
            {
                case Signal.Traces: topology.Wire(pipeline, config, host, traces); break;
                case Signal.Metrics: topology.Wire(pipeline, config, host, metrics); break;
                default: topology.Wire(pipeline, config, host, logs); break;
            }
        }

        foreach (var id in config.Pipelines.SelectMany(p => p.Receivers).Distinct())
        {
            var receiver = config.Receivers[id];
            var consumers = new ReceiverConsumers(FanOut(traces, id), FanOut(metrics, id), FanOut(logs, id));
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

    /// <summary>Stops receivers first, then processors (flushing), exporters (draining) and extensions, within one deadline.</summary>
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
            .Concat(_processors.Select(p => p.Component)) // each chain was built from its last processor back: downstream first
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

    private void Wire<TBatch>(
        PipelineConfig pipeline,
        AgentConfig config,
        IComponentHost host,
        Dictionary<ComponentId, List<IConsumer<TBatch>>> receiverInputs)
        where TBatch : Batch<TBatch>
    {
        var exporters = pipeline.Exporters
            .Select(id => _exporters[id].ConsumerFor<TBatch>() ?? throw new InvalidOperationException($"exporter {id} has no {pipeline.Id.Signal.ConfigName()} consumer"))
            .ToList();
        var next = FanOutConsumer<TBatch>.Of(exporters);
        for (int i = pipeline.Processors.Count - 1; i >= 0; i--)
        {
            var id = pipeline.Processors[i];
            var processorConfig = config.Processors[id];
            var processor = ((IProcessorFactory)processorConfig.Factory)
                .CreateProcessor(new ComponentContext(id, processorConfig.Options, host), next);
            _processors.Add(($"{pipeline.Id}/{id}", processor));
            next = processor;
        }

        foreach (var id in pipeline.Receivers)
        {
            if (!receiverInputs.TryGetValue(id, out var inputs))
            {
                receiverInputs[id] = inputs = [];
            }

            inputs.Add(next);
        }
    }

    private static IConsumer<TBatch>? FanOut<TBatch>(Dictionary<ComponentId, List<IConsumer<TBatch>>> inputs, ComponentId id)
        where TBatch : Batch =>
        inputs.TryGetValue(id, out var list) ? FanOutConsumer<TBatch>.Of(list) : null;
}
