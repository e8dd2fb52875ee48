using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Processors.Batch;

/// <summary>The <c>batch</c> processor: merges small batches into bigger ones, sent by size or after a timeout.</summary>
public sealed class BatchProcessorFactory : IProcessorFactory
{
    public string Type => "batch";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new BatchProcessorOptions();

    public IProcessor<TBatch> CreateProcessor<TBatch>(ComponentContext context, IConsumer<TBatch> next)
        where TBatch : Batch<TBatch>
    {
        var logger = context.Host.LoggerFactory.CreateLogger(typeof(BatchProcessorFactory).Namespace!);
        return new BatchProcessor<TBatch>(context.Id, (BatchProcessorOptions)context.Options, next, logger);
    }
}
