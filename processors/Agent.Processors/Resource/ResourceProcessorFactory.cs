using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Processors.Common;

namespace Agent.Processors.Resource;

/// <summary>The <c>resource</c> processor: inserts, updates, upserts or deletes resource attributes.</summary>
public sealed class ResourceProcessorFactory()
    : ProcessorFactory<ResourceProcessorOptions>("resource", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TBatch> CreateAny<TBatch>(ComponentContext context, ResourceProcessorOptions options, IConsumer<TBatch> next) =>
        new PerResourceProcessor<TBatch>(context, ResourceActions.Compile(options).Apply, next);
}
