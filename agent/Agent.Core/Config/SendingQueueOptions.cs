namespace Agent.Core.Config;

/// <summary>The Collector's exporter <c>sending_queue</c> block, plus a byte cap that always applies.</summary>
public sealed class SendingQueueOptions : BoundedQueueOptions, IValidatable
{
    /// <summary>Off: the exporter sends inline, on the caller's time.</summary>
    public bool Enabled { get; set; } = true;

    public int NumConsumers { get; set; } = 10;

    /// <summary>How many units the queue holds; the unit is <see cref="Sizer"/>.</summary>
    public long QueueSize { get; set; } = 1000;

    /// <summary><c>requests</c> (batches, the Collector's default), <c>items</c> or <c>bytes</c>.</summary>
    public string Sizer { get; set; } = "requests";

    protected override bool QueueEnabled => Enabled;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (NumConsumers < 1)
        {
            yield return ("num_consumers", "must be at least 1");
        }

        if (QueueSize < 1)
        {
            yield return ("queue_size", "must be at least 1");
        }

        if (Sizer is not ("requests" or "items" or "bytes"))
        {
            yield return ("sizer", $"must be requests, items or bytes, not \"{Sizer}\"");
        }

        foreach (var error in ValidateBoundsAndStorage())
        {
            yield return error;
        }
    }
}
