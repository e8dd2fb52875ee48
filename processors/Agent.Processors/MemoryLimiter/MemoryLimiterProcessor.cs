using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Processing;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// Passes batches on unchanged while memory is below the soft limit, and refuses them with a
/// <see cref="RetryableException"/> while it is not: receivers answer their clients with the protocol's retryable
/// status and the file tailer reads the lines again later, so nothing is dropped. Counted in
/// <c>otelcol_processor_refused_&lt;items&gt;_total</c>.
/// </summary>
internal sealed class MemoryLimiterProcessor<TBatch>(ComponentContext context, MemoryGuard guard, IConsumer<TBatch> next)
    : Processor<TBatch>(context, next, mutatesData: false), IHandlesEncodedRecords
    where TBatch : Core.Model.Batch
{
    /// <summary>It looks at memory, never at records.</summary>
    public bool HandlesEncodedRecords => true;

    private bool _started;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            guard.Start();
        }

        return Task.CompletedTask;
    }

    public override Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            _started = false;
            guard.Stop();
        }

        return Task.CompletedTask;
    }

    protected override TBatch? Process(TBatch batch) => guard.MustRefuse
        ? throw new RetryableException("data refused due to high memory usage", retryAfter: null)
        : batch;
}
