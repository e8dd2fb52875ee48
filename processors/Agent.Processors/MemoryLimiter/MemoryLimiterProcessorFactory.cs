using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// The <c>memory_limiter</c> processor: refuses data while managed memory is over its soft limit and forces a
/// collection over its hard limit. One <see cref="MemoryGuard"/> per id serves every pipeline it is in.
/// </summary>
public sealed class MemoryLimiterProcessorFactory()
    : ProcessorFactory<MemoryLimiterOptions>("memory_limiter", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TBatch> CreateAny<TBatch>(ComponentContext context, MemoryLimiterOptions options, IConsumer<TBatch> next) =>
        new MemoryLimiterProcessor<TBatch>(context, context.Shared(() => CreateGuard(context, options)), next);

    private static MemoryGuard CreateGuard(ComponentContext context, MemoryLimiterOptions options)
    {
        long available = options.LimitMib > 0 ? 0 : AvailableMemory.Read();
        var forced = context.Host.Telemetry.Counter(
            "agent_processor_memory_limiter_forced_gc_total", "Collections the memory limiter forced.", ["processor"], [context.Id.ToString()]);
        return new MemoryGuard(options.Resolve(available), options, GcMemorySource.Instance, TimeProvider.System, context.CreateLogger<MemoryGuard>(), forced);
    }
}
