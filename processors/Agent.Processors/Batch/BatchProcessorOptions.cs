using Agent.Core.Config;

namespace Agent.Processors.Batch;

/// <summary>The Collector's <c>batch</c> processor options, with its defaults.</summary>
public sealed class BatchProcessorOptions : IValidatable
{
    /// <summary>Items (spans, data points, log records) that trigger a send at once; it does not cap the batch.</summary>
    public int SendBatchSize { get; set; } = 8192;

    /// <summary>The most items one sent batch may hold; bigger batches are split. Zero: no limit.</summary>
    public int SendBatchMaxSize { get; set; }

    /// <summary>How long the first item of a batch may wait before the batch is sent whatever its size. Zero: no buffering.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(200);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (SendBatchSize < 0)
        {
            yield return ("send_batch_size", "must not be negative");
        }

        if (SendBatchMaxSize < 0)
        {
            yield return ("send_batch_max_size", "must not be negative");
        }
        else if (SendBatchMaxSize > 0 && SendBatchMaxSize < SendBatchSize)
        {
            yield return ("send_batch_max_size", $"must be 0 (no limit) or at least send_batch_size ({SendBatchSize}), not {SendBatchMaxSize}");
        }

        if (Timeout < TimeSpan.Zero)
        {
            yield return ("timeout", "must not be negative");
        }
    }
}
