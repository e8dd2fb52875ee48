namespace Agent.Core.Consumers;

/// <summary>
/// A consumer that tells a batch's notifier "delivered" once the batch is written to disk (a persistent sending
/// queue), before it is sent: waiting for the notifier then costs the way to the disk, not the way to the backend,
/// and a source answered after it loses nothing when the process is killed. The topology sets it on a receiver's
/// inputs when every exporter behind them is such a consumer, so the OTLP receiver can answer its clients then.
/// </summary>
public interface IAcknowledgesOnDisk
{
    /// <summary>True when every batch this consumer takes reaches a disk before its notifier says delivered.</summary>
    bool AcknowledgesOnDisk { get; }
}
