using Agent.Core.Config;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>A block with only <c>enabled</c>, as the Collector writes its feature switches.</summary>
public sealed class SwitchOptions
{
    public bool Enabled { get; set; }
}

/// <summary>
/// The Collector's <c>remote_write_queue</c>: a bounded queue of requests and its consumers. Beyond the Collector's
/// three keys it takes the other keys of <c>sending_queue</c> but <c>sizer</c> (a byte cap, overflow, and a
/// persistent queue: <c>storage</c>, <c>fsync</c>, <c>fsync_interval</c>, <c>overflow</c>), with the same meaning.
/// </summary>
public sealed class RemoteWriteQueueOptions : BoundedQueueOptions, IValidatable
{
    public bool Enabled { get; set; } = true;

    /// <summary>Requests the queue holds before the pipeline waits.</summary>
    public long QueueSize { get; set; } = 10_000;

    /// <summary>Consumers, one per shard: a series always goes through the same one, so its samples stay in order.</summary>
    public int NumConsumers { get; set; } = 5;

    protected override bool QueueEnabled => Enabled;

    /// <summary>The exporter helper's queue options these keys stand for (sized in requests, as the Collector's).</summary>
    public SendingQueueOptions ToSendingQueue() => new()
    {
        Enabled = Enabled,
        QueueSize = QueueSize,
        NumConsumers = NumConsumers,
        Sizer = "requests",
        MaxSizeMib = MaxSizeMib,
        BlockOnOverflow = BlockOnOverflow,
        Storage = Storage,
        Fsync = Fsync,
        FsyncInterval = FsyncInterval,
        Overflow = Overflow,
    };

    /// <summary>The keys are <c>sending_queue</c>'s, so are their rules.</summary>
    public IEnumerable<(string Key, string Message)> Validate() => ToSendingQueue().Validate();
}

/// <summary>
/// Delta sums and histograms, which remote-write cannot carry: summed per series into cumulative ones in bounded
/// state (as the Collector's <c>deltatocumulative</c> processor), or dropped and counted when disabled.
/// </summary>
public sealed class DeltaToCumulativeOptions : IValidatable
{
    public bool Enabled { get; set; } = true;

    /// <summary>Series whose running totals are kept; a new series beyond it is dropped and counted.</summary>
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>A series with no point for this long is forgotten (its next point starts a new total).</summary>
    public TimeSpan MaxStale { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (MaxStreams < 1)
        {
            yield return ("max_streams", "must be at least 1");
        }

        if (MaxStale <= TimeSpan.Zero)
        {
            yield return ("max_stale", "must be positive");
        }
    }
}

/// <summary>
/// Prometheus staleness markers for series that end: when the exporter stops, and for a series that was sent
/// but has had no new point for <see cref="After"/>.
/// </summary>
public sealed class StaleMarkerOptions : IValidatable
{
    public bool Enabled { get; set; } = true;

    /// <summary>Silence after which a sent series is marked stale; 0 marks series only when the exporter stops.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Series remembered for marking; beyond it new series are not tracked (and not marked).</summary>
    public int MaxSeries { get; set; } = 100_000;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (After < TimeSpan.Zero)
        {
            yield return ("after", "must not be negative");
        }

        if (MaxSeries < 1)
        {
            yield return ("max_series", "must be at least 1");
        }
    }
}
