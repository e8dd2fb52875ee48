using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.Resource;

/// <summary>The <c>resource</c> processor: inserts, updates, upserts or deletes resource attributes.</summary>
public sealed class ResourceProcessorFactory()
    : ProcessorFactory<ResourceProcessorOptions>("resource", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TracesBatch> CreateTraces(ComponentContext context, ResourceProcessorOptions options, IConsumer<TracesBatch> next) =>
        new ResourceProcessor<TracesBatch>(ResourceActions.Compile(options), next);

    protected override IProcessor<MetricsBatch> CreateMetrics(ComponentContext context, ResourceProcessorOptions options, IConsumer<MetricsBatch> next) =>
        new ResourceProcessor<MetricsBatch>(ResourceActions.Compile(options), next);

    protected override IProcessor<LogsBatch> CreateLogs(ComponentContext context, ResourceProcessorOptions options, IConsumer<LogsBatch> next) =>
        new ResourceProcessor<LogsBatch>(ResourceActions.Compile(options), next);
}
