using Agent.Core.Model;

namespace Agent.Core.Consumers;

/// <summary>
/// The one link between pipeline stages. The call hands the batch over: the caller must not touch it afterwards,
/// and the callee (or whoever it passes the batch to) completes it. The call returns once the batch is accepted
/// (queued or passed on); it waits while a queue downstream is full, which is how backpressure reaches receivers.
/// Cancelling the token abandons the wait; the batch is then completed as errored by whoever held it.
/// A call that throws has already completed the batch it was handed (as the sending queue and the fan-out do), so the
/// caller must not complete it again: a second release would resolve the source's notifier too early.
/// </summary>
public interface IConsumer<in TBatch>
    where TBatch : Batch
{
    /// <summary>True when this consumer changes the batch, so a fan-out must give it its own copy.</summary>
    bool MutatesData { get; }

    ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken);
}
