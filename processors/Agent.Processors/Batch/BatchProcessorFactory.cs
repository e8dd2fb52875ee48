using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.Batch;

/// <summary>The <c>batch</c> processor: merges small batches into bigger ones, sent by size or after a timeout.</summary>
public sealed class BatchProcessorFactory()
    : ProcessorFactory<BatchProcessorOptions>("batch", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TracesBatch> CreateTraces(ComponentContext context, BatchProcessorOptions options, IConsumer<TracesBatch> next) =>
        new BatchProcessor<TracesBatch>(context, options, next);

    protected override IProcessor<MetricsBatch> CreateMetrics(ComponentContext context, BatchProcessorOptions options, IConsumer<MetricsBatch> next) =>
        new BatchProcessor<MetricsBatch>(context, options, next);

    protected override IProcessor<LogsBatch> CreateLogs(ComponentContext context, BatchProcessorOptions options, IConsumer<LogsBatch> next) =>
        new BatchProcessor<LogsBatch>(context, options, next);
}
