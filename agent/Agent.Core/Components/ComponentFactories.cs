using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>What every factory tells about its component type.</summary>
public interface IComponentFactory
{
    /// <summary>The type as written in the configuration (<c>otlp</c>, <c>batch</c>, ...).</summary>
    string Type { get; }

    Stability Stability { get; }

    /// <summary>The signals the component handles; empty for extensions.</summary>
    IReadOnlyCollection<Signal> Signals { get; }

    /// <summary>
    /// A complete options object with every default set; the configuration only overrides it. Its public settable
    /// properties are the config keys, in snake_case.
    /// </summary>
    object CreateDefaultOptions();
}

/// <summary>The consumers a receiver feeds: one per signal it was wired for, a fan-out when several pipelines share it.</summary>
public sealed record ReceiverConsumers(
    IConsumer<TracesBatch>? Traces,
    IConsumer<MetricsBatch>? Metrics,
    IConsumer<LogsBatch>? Logs);

/// <summary>Everything a component needs when it is created.</summary>
public sealed record ComponentContext(ComponentId Id, object Options, IComponentHost Host);

public interface IReceiverFactory : IComponentFactory
{
    /// <summary>Creates the one instance for this id; it serves every pipeline that names it.</summary>
    IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers);
}

/// <summary>A processor instance in one pipeline: it consumes batches and passes them on to the next stage.</summary>
public interface IProcessor<in TBatch> : IConsumer<TBatch>, IComponent
    where TBatch : Batch
{
}

public interface IProcessorFactory : IComponentFactory
{
    /// <summary>Creates a processor for one pipeline, which passes what it produces to <paramref name="next"/>.</summary>
    IProcessor<TBatch> CreateProcessor<TBatch>(ComponentContext context, IConsumer<TBatch> next)
        where TBatch : Batch<TBatch>;
}

/// <summary>An exporter instance, shared by every pipeline that names it: one consumer per signal.</summary>
public interface IExporter : IComponent
{
    IConsumer<TracesBatch>? Traces { get; }

    IConsumer<MetricsBatch>? Metrics { get; }

    IConsumer<LogsBatch>? Logs { get; }
}

public interface IExporterFactory : IComponentFactory
{
    IExporter CreateExporter(ComponentContext context);
}

public interface IExtensionFactory : IComponentFactory
{
    IComponent CreateExtension(ComponentContext context);
}
