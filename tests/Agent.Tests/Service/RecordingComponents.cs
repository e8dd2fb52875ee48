using Agent.Config;
using Agent.Connectors.Forward;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Service;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Service;

/// <summary>Components that record what happens to them, for wiring tests.</summary>
internal sealed class Recorder
{
    public List<string> Events { get; } = [];

    public Dictionary<string, ManualReceiver> Receivers { get; } = [];

    public Dictionary<string, List<Batch>> Exported { get; } = [];

    public void Add(string entry)
    {
        lock (Events)
        {
            Events.Add(entry);
        }
    }

    /// <summary>Loads <paramref name="yaml"/> with these components and builds its topology on a real host.</summary>
    public static (Topology Topology, Recorder Recorder) Build(string yaml)
    {
        var recorder = new Recorder();
        var config = new ConfigLoader(recorder.Registry(), _ => null).Load("topology.yaml", yaml);
        var host = new ComponentHost(NullLoggerFactory.Instance, Path.GetTempPath(), new AgentHealth(), SelfMetrics.Registry);
        return (Topology.Build(config, host, NullLogger.Instance), recorder);
    }

    public ComponentRegistry Registry() => new(
        [new ManualReceiverFactory(this)],
        [new TagProcessorFactory(this)],
        [new RecordingExporterFactory(this)],
        [],
        [new ForwardConnectorFactory(), new SpanCountConnectorFactory(this)]);
}

internal sealed class NoOptions
{
    public string Tag { get; set; } = string.Empty;

    /// <summary>For <c>record</c> exporters: say they acknowledge on disk, as one with a persistent queue does.</summary>
    public bool OnDisk { get; set; }
}


/// <summary>A component that records its start and stop as <c>start {id}</c> and <c>stop {id}</c>.</summary>
internal abstract class RecordedComponent(string id, Recorder recorder) : IComponent
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"start {id}");
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"stop {id}");
        return Task.CompletedTask;
    }
}

/// <summary>A receiver the test drives by hand through the consumers it was given.</summary>
internal sealed class ManualReceiver(string id, ReceiverConsumers consumers, Recorder recorder) : RecordedComponent(id, recorder)
{
    public ReceiverConsumers Consumers => consumers;
}

internal sealed class ManualReceiverFactory(Recorder recorder)
    : ReceiverFactory<NoOptions>("manual", Stability.Development, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IComponent Create(ComponentContext context, NoOptions options, ReceiverConsumers consumers)
    {
        var receiver = new ManualReceiver(context.Id.ToString(), consumers, recorder);
        recorder.Receivers[context.Id.ToString()] = receiver;
        return receiver;
    }
}

/// <summary>Appends its tag to the resource attribute <c>tags</c>, so the order of processors shows.</summary>
internal sealed class TagProcessor<TBatch>(string name, string tag, IConsumer<TBatch> next, Recorder recorder) : IProcessor<TBatch>
    where TBatch : Batch
{
    public bool MutatesData => true;

    public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        foreach (var resource in batch.Resources)
        {
            var tags = resource.Attributes.FirstOrDefault(a => a.Key == "tags");
            if (tags is null)
            {
                resource.Attributes.Add(new KeyValue { Key = "tags", Value = new AnyValue { StringValue = tag } });
            }
            else
            {
                tags.Value.StringValue += $",{tag}";
            }
        }

        return next.ConsumeAsync(batch, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"start {name}");
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"stop {name}");
        return Task.CompletedTask;
    }
}

internal sealed class TagProcessorFactory(Recorder recorder)
    : ProcessorFactory<NoOptions>("tag", Stability.Development, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TracesBatch> CreateTraces(ComponentContext context, NoOptions options, IConsumer<TracesBatch> next) =>
        new TagProcessor<TracesBatch>(context.Id.ToString(), options.Tag, next, recorder);

    protected override IProcessor<MetricsBatch> CreateMetrics(ComponentContext context, NoOptions options, IConsumer<MetricsBatch> next) =>
        new TagProcessor<MetricsBatch>(context.Id.ToString(), options.Tag, next, recorder);

    protected override IProcessor<LogsBatch> CreateLogs(ComponentContext context, NoOptions options, IConsumer<LogsBatch> next) =>
        new TagProcessor<LogsBatch>(context.Id.ToString(), options.Tag, next, recorder);
}

/// <summary>Keeps every batch it gets and completes it as delivered.</summary>
internal sealed class RecordingExporter(string id, Recorder recorder, ExporterTelemetry telemetry, bool onDisk = false)
    : IExporter, IConsumer<TracesBatch>, IConsumer<MetricsBatch>, IConsumer<LogsBatch>, IAcknowledgesOnDisk
{
    public bool AcknowledgesOnDisk => onDisk;

    public IConsumer<TracesBatch> Traces => this;

    public IConsumer<MetricsBatch> Metrics => this;

    public IConsumer<LogsBatch> Logs => this;

    public bool MutatesData => false;

    public ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken) => Keep(batch);

    public ValueTask ConsumeAsync(MetricsBatch batch, CancellationToken cancellationToken) => Keep(batch);

    public ValueTask ConsumeAsync(LogsBatch batch, CancellationToken cancellationToken) => Keep(batch);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"start {id}");
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        recorder.Add($"stop {id}");
        return Task.CompletedTask;
    }

    private ValueTask Keep(Batch batch)
    {
        lock (recorder.Exported)
        {
            if (!recorder.Exported.TryGetValue(id, out var list))
            {
                recorder.Exported[id] = list = [];
            }

            list.Add(batch);
        }

        telemetry.Sent(batch.Signal, batch.ItemCount);
        batch.Complete(DeliveryStatus.Delivered);
        return ValueTask.CompletedTask;
    }
}

internal sealed class RecordingExporterFactory(Recorder recorder)
    : ExporterFactory<NoOptions>("record", Stability.Development, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IExporter Create(ComponentContext context, NoOptions options, IReadOnlySet<Signal> signals)
    {
        recorder.Add($"create {context.Id}");
        return new RecordingExporter(context.Id.ToString(), recorder, context.ExporterTelemetry(), options.OnDisk);
    }
}

/// <summary>A traces-to-metrics connector: one gauge point per batch whose value is its span count.</summary>
internal sealed class SpanCountConnector(string id, IConsumer<MetricsBatch> next, Recorder recorder) : RecordedComponent(id, recorder), IConnector<TracesBatch>
{
    public bool MutatesData => false;

    public async ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken)
    {
        var gauge = new Gauge { DataPoints = { new NumberDataPoint { AsInt = batch.ItemCount } } };
        var metrics = new MetricsBatch();
        metrics.Data.ResourceMetrics.Add(new ResourceMetrics
        {
            Resource = new(),
            ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Name = "spans", Gauge = gauge } } } },
        });
        try
        {
            await next.ConsumeAsync(metrics, cancellationToken);
            batch.Complete(DeliveryStatus.Delivered);
        }
        catch
        {
            batch.Complete(DeliveryStatus.Errored);
            throw;
        }
    }
}

internal sealed class SpanCountConnectorFactory : ConnectorFactory<NoOptions>
{
    public SpanCountConnectorFactory(Recorder recorder)
        : base("spancount")
    {
        AddRoute<TracesBatch, MetricsBatch>(Stability.Alpha, (context, _, next) => new SpanCountConnector(context.Id.ToString(), next, recorder));
    }
}
