namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Where accepted requests wait for a consumer: bounded, split into FIFO shards (one per partition), each read in
/// order. Implementations count in the <c>sending_queue</c> sizer's units and never exceed its byte cap.
/// </summary>
public interface IRequestQueue
{
    int Shards { get; }

    /// <summary>What the queue holds, in its sizer's units.</summary>
    long Size { get; }

    /// <summary>What it may hold, in its sizer's units.</summary>
    long Capacity { get; }

    /// <summary>Requests waiting in every shard.</summary>
    int Count { get; }

    /// <summary>Adds the request to its shard if it fits now; false when the queue is full or shut.</summary>
    bool TryEnqueue(ExportRequest request, int shard);

    /// <summary>Waits for room, then adds the request. Throws <see cref="InvalidOperationException"/> once the queue is shut.</summary>
    ValueTask EnqueueAsync(ExportRequest request, int shard, CancellationToken cancellationToken);

    /// <summary>The shard's next request, waiting for one; null once the queue is shut and the shard empty.</summary>
    ValueTask<ExportRequest?> DequeueAsync(int shard, CancellationToken cancellationToken);

    /// <summary>Takes any request already waiting, without waiting (to fail what is left at shutdown).</summary>
    bool TryDequeueAny(out ExportRequest request);

    /// <summary>
    /// True when an enqueued request survives a restart (on disk): it counts as accepted once enqueued, and it leaves
    /// the queue only when <see cref="Acknowledge"/>d, not when dequeued.
    /// </summary>
    bool Durable { get; }

    /// <summary>The exporter is done with a dequeued request (sent, or given up on); a durable queue forgets it.</summary>
    void Acknowledge(ExportRequest request);

    /// <summary>No more requests are taken; readers drain what is there, then get null.</summary>
    void Complete();
}
