using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>
/// A processor type. Override the create method of each signal the type handles, or <see cref="CreateAny{TBatch}"/>
/// once when the processor is the same code for every signal; the others refuse with the factory's
/// <see cref="NotSupportedException"/>.
/// </summary>
public abstract class ProcessorFactory<TOptions>(string type, Stability stability, params Signal[] signals)
    : ComponentFactory<TOptions>(type, stability, signals), IProcessorFactory
    where TOptions : class, new()
{
    public IProcessor<TracesBatch> CreateTracesProcessor(ComponentContext context, IConsumer<TracesBatch> next) =>
        Handles(Signal.Traces) ? CreateTraces(context, OptionsOf(context), next) : throw Unsupported(Signal.Traces);

    public IProcessor<MetricsBatch> CreateMetricsProcessor(ComponentContext context, IConsumer<MetricsBatch> next) =>
        Handles(Signal.Metrics) ? CreateMetrics(context, OptionsOf(context), next) : throw Unsupported(Signal.Metrics);

    public IProcessor<LogsBatch> CreateLogsProcessor(ComponentContext context, IConsumer<LogsBatch> next) =>
        Handles(Signal.Logs) ? CreateLogs(context, OptionsOf(context), next) : throw Unsupported(Signal.Logs);

    protected virtual IProcessor<TracesBatch> CreateTraces(ComponentContext context, TOptions options, IConsumer<TracesBatch> next) =>
        CreateAny(context, options, next);

    protected virtual IProcessor<MetricsBatch> CreateMetrics(ComponentContext context, TOptions options, IConsumer<MetricsBatch> next) =>
        CreateAny(context, options, next);

    protected virtual IProcessor<LogsBatch> CreateLogs(ComponentContext context, TOptions options, IConsumer<LogsBatch> next) =>
        CreateAny(context, options, next);

    /// <summary>The processor for any signal the type lists, for a processor written once over <see cref="Batch"/>.</summary>
    protected virtual IProcessor<TBatch> CreateAny<TBatch>(ComponentContext context, TOptions options, IConsumer<TBatch> next)
        where TBatch : Batch =>
        throw new NotSupportedException($"{Type} lists a signal it creates no processor for: override CreateAny or the signal's create method");

    private bool Handles(Signal signal) => Signals.Contains(signal);
}
