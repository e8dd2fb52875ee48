using System.Collections.Concurrent;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// Stands in for a pipeline: keeps every batch it is given and completes it with <see cref="Status"/>, or plays a
/// full queue (<see cref="Full"/>: waits until cancelled), or holds batches until <see cref="Release"/>.
/// </summary>
internal sealed class CapturingConsumer<TBatch> : IConsumer<TBatch>
    where TBatch : Batch
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<TBatch> Batches { get; } = new();

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Delivered;

    /// <summary>Behave like a full queue: wait for room until the caller gives up, then complete as errored.</summary>
    public bool Full { get; set; }

    /// <summary>Take batches but complete them only on <see cref="Release"/>.</summary>
    public bool Hold { get; set; }

    public bool MutatesData => false;

    /// <summary>Resolves once a batch was taken.</summary>
    public Task FirstBatch => _firstBatch.Task;

    public void Release() => _released.TrySetResult();

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        if (Full)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                batch.Complete(DeliveryStatus.Errored);
                throw;
            }
        }

        Batches.Enqueue(batch);
        _firstBatch.TrySetResult();
        if (Hold)
        {
            _ = _released.Task.ContinueWith(_ => batch.Complete(Status), TaskScheduler.Default);
            return;
        }

        batch.Complete(Status);
    }
}
