using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>What every factory tells about its component type.</summary>
public interface IComponentFactory
{
    /// <summary>The type as written in the configuration (<c>otlp</c>, <c>batch</c>, ...).</summary>
    string Type { get; }

    /// <summary>The least settled of its signals' stabilities (the extension's own for extensions).</summary>
    Stability Stability { get; }

    /// <summary>The signals the component handles; empty for extensions.</summary>
    IReadOnlyCollection<Signal> Signals { get; }

    /// <summary>How settled the component is for one signal it handles.</summary>
    Stability StabilityOf(Signal signal);

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

/// <summary>Creates processors per signal; a factory refuses a signal it does not handle with <see cref="NotSupportedException"/>.</summary>
public interface IProcessorFactory : IComponentFactory
{
    IProcessor<TracesBatch> CreateTracesProcessor(ComponentContext context, IConsumer<TracesBatch> next);

    IProcessor<MetricsBatch> CreateMetricsProcessor(ComponentContext context, IConsumer<MetricsBatch> next);

    IProcessor<LogsBatch> CreateLogsProcessor(ComponentContext context, IConsumer<LogsBatch> next);
}

/// <summary>An exporter instance, shared by every pipeline that names it: one consumer per signal it was built for.</summary>
public interface IExporter : IComponent
{
    IConsumer<TracesBatch>? Traces { get; }

    IConsumer<MetricsBatch>? Metrics { get; }

    IConsumer<LogsBatch>? Logs { get; }
}

public interface IExporterFactory : IComponentFactory
{
    /// <summary>
    /// Creates the one instance for this id, with consumers for <paramref name="signals"/> only (the signals of the
    /// pipelines that name it). A signal the type does not handle is refused with <see cref="NotSupportedException"/>.
    /// </summary>
    IExporter CreateExporter(ComponentContext context, IReadOnlySet<Signal> signals);
}

public interface IExtensionFactory : IComponentFactory
{
    IComponent CreateExtension(ComponentContext context);
}

public static class ProcessorFactoryExtensions
{
    /// <summary>Creates the processor for the signal of <typeparamref name="TBatch"/>.</summary>
    public static IProcessor<TBatch> CreateProcessor<TBatch>(this IProcessorFactory factory, ComponentContext context, IConsumer<TBatch> next)
        where TBatch : Batch => SignalNames.OfBatch<TBatch>() switch
        {
            // By the batch type, not by what next implements: one object may consume several signals (an exporter).
            Signal.Traces => (IProcessor<TBatch>)factory.CreateTracesProcessor(context, (IConsumer<TracesBatch>)next),
            Signal.Metrics => (IProcessor<TBatch>)factory.CreateMetricsProcessor(context, (IConsumer<MetricsBatch>)next),
            _ => (IProcessor<TBatch>)factory.CreateLogsProcessor(context, (IConsumer<LogsBatch>)next),
        };

    /// <summary>The exporter's consumer for the signal of <typeparamref name="TBatch"/>, if it was built for it.</summary>
    public static IConsumer<TBatch>? ConsumerFor<TBatch>(this IExporter exporter)
        where TBatch : Batch =>
        (exporter.Traces as IConsumer<TBatch>) ?? (exporter.Metrics as IConsumer<TBatch>) ?? (exporter.Logs as IConsumer<TBatch>);
}
