using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Connectors.Forward;

/// <summary>
/// Hands every batch to the pipelines behind it, as it came. It changes nothing itself, but the original goes on
/// to <c>next</c>, so it mutates exactly when <c>next</c> does: a fan-out in front then copies for it.
/// </summary>
public sealed class ForwardConnector<TBatch>(IConsumer<TBatch> next) : IConnector<TBatch>, IHandlesEncodedRecords
    where TBatch : Batch
{
    public bool MutatesData => next.MutatesData;

    /// <summary>It reads nothing; the topology asks the pipelines behind it themselves.</summary>
    public bool HandlesEncodedRecords => true;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken) => next.ConsumeAsync(batch, cancellationToken);

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override string ToString() => $"forward connector to {SignalNames.OfBatch<TBatch>().ConfigName()}";
}
