using Agent.Core.Components;

namespace Agent.Core.Config;

/// <summary>
/// The queue keys every exporter's queue block takes, whatever its name (<c>sending_queue</c>, or the
/// <c>remote_write_queue</c> of <c>prometheusremotewrite</c>): a byte cap that always applies, what a full queue
/// does, and the persistent queue's storage and fsync policy.
/// </summary>
public abstract class BoundedQueueOptions : IStorageReference
{
    /// <summary>Whatever the sizer, the queue never holds more than this many MiB of encoded data.</summary>
    public long MaxSizeMib { get; set; } = 64;

    /// <summary>Wait for room (<c>true</c>, backpressure) or refuse at once and count the drop.</summary>
    public bool BlockOnOverflow { get; set; } = true;

    /// <summary>The id of a storage extension (<c>file_storage</c>) that keeps the queue on disk; empty: in memory.</summary>
    public string Storage { get; set; } = string.Empty;

    /// <summary>
    /// When appended records are forced to disk: <c>always</c> (before the batch counts as accepted), <c>interval</c>
    /// (every <see cref="FsyncInterval"/>; a killed process loses nothing, a power cut at most that long), <c>never</c>.
    /// </summary>
    public string Fsync { get; set; } = "interval";

    public TimeSpan FsyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>With storage, what a full queue does: <c>block</c> (wait for room) or <c>drop_oldest</c> (make room).</summary>
    public string Overflow { get; set; } = "block";

    string IStorageReference.StorageKey => "storage";

    /// <summary>True when the queue lives in a storage extension and survives restarts.</summary>
    public bool Persistent => Storage.Length > 0;

    /// <summary>The queue is on (a disabled queue sends inline and stores nothing).</summary>
    protected abstract bool QueueEnabled { get; }

    /// <summary>The problems of the keys above.</summary>
    protected IEnumerable<(string Key, string Message)> ValidateBoundsAndStorage()
    {
        if (MaxSizeMib < 1)
        {
            yield return ("max_size_mib", "must be at least 1");
        }

        if (Fsync is not ("always" or "interval" or "never"))
        {
            yield return ("fsync", $"must be always, interval or never, not \"{Fsync}\"");
        }

        if (FsyncInterval <= TimeSpan.Zero)
        {
            yield return ("fsync_interval", "must be positive");
        }

        if (Overflow is not ("block" or "drop_oldest"))
        {
            yield return ("overflow", $"must be block or drop_oldest, not \"{Overflow}\"");
        }
        else if (Overflow == "drop_oldest" && !Persistent)
        {
            yield return ("overflow", "drop_oldest needs storage: a queue in memory refuses the newest (block_on_overflow: false)");
        }

        if (Persistent && !ComponentId.TryParse(Storage, out _, out string? error))
        {
            yield return ("storage", error);
        }
        else if (Persistent && !QueueEnabled)
        {
            yield return ("storage", "needs enabled: true (a disabled queue sends inline and stores nothing)");
        }
    }
}
