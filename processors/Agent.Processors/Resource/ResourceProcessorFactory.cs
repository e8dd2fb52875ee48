using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.Resource;

/// <summary>The <c>resource</c> processor: inserts, updates, upserts or deletes resource attributes.</summary>
public sealed class ResourceProcessorFactory : IProcessorFactory
{
    public string Type => "resource";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new ResourceProcessorOptions();

    public IProcessor<TBatch> CreateProcessor<TBatch>(ComponentContext context, IConsumer<TBatch> next)
        where TBatch : Batch<TBatch>
    {
        var actions = ResourceActions.Compile((ResourceProcessorOptions)context.Options);
        return new ResourceProcessor<TBatch>(actions, next);
    }
}
