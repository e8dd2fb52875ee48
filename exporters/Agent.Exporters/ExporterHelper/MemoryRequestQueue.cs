using Agent.Core.Config;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// The in-memory <see cref="IRequestQueue"/>: one FIFO per shard under one shared bound, counted in the sizer's
/// units (requests, items or body bytes) and capped at <c>max_size_mib</c> of bodies whatever the sizer. A request
/// larger than the whole capacity is still admitted into an empty queue, so it never waits forever.
/// </summary>
public sealed class MemoryRequestQueue : IRequestQueue
{
    private readonly object _gate = new();
    private readonly Queue<ExportRequest>[] _shards;
    private readonly QueueWakeups _wakeups;
    private readonly string _sizer;
    private readonly long _capacityBytes;
    private long _units;
    private long _bytes;
    private int _count;
    private bool _completed;

    public MemoryRequestQueue(SendingQueueOptions options, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSizeMib, 1);
        _shards = new Queue<ExportRequest>[shards];
        for (int i = 0; i < shards; i++)
        {
            _shards[i] = new Queue<ExportRequest>();
        }

        _wakeups = new QueueWakeups(shards);
        _sizer = options.Sizer;
        Capacity = options.QueueSize;
        _capacityBytes = options.MaxSizeMib * 1024 * 1024;
    }

    public int Shards => _shards.Length;

    public long Capacity { get; }

    public long Size
    {
        get
        {
            lock (_gate)
            {
                return _units;
            }
        }
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Requests live in this process only.</summary>
    public bool Durable => false;

    /// <summary>A request left the queue when it was dequeued: nothing to forget.</summary>
    public void Acknowledge(ExportRequest request)
    {
    }

    public bool TryEnqueue(ExportRequest request, int shard)
    {
        lock (_gate)
        {
            if (_completed || !Fits(request))
            {
                return false;
            }

            Admit(request, shard);
            return true;
        }
    }

    public async ValueTask EnqueueAsync(ExportRequest request, int shard, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task roomFreed;
            lock (_gate)
            {
                if (_completed)
                {
                    throw new InvalidOperationException("The sending queue is shut down.");
                }

                if (Fits(request))
                {
                    Admit(request, shard);
                    return;
                }

                roomFreed = _wakeups.RoomFreedTask();
            }

            await roomFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<ExportRequest?> DequeueAsync(int shard, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task filled;
            lock (_gate)
            {
                if (_shards[shard].TryDequeue(out var request))
                {
                    Release(request);
                    return request;
                }

                if (_completed)
                {
                    return null;
                }

                filled = _wakeups.ShardFilledTask(shard);
            }

            await filled.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public bool TryDequeueAny(out ExportRequest request)
    {
        lock (_gate)
        {
            foreach (var shard in _shards)
            {
                if (shard.TryDequeue(out request!))
                {
                    Release(request);
                    return true;
                }
            }
        }

        request = null!;
        return false;
    }

    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _wakeups.WakeAll();
        }
    }

    private long UnitsOf(ExportRequest request) => _sizer switch
    {
        "items" => request.Items,
        "bytes" => request.Body.Length,
        _ => 1,
    };

    private bool Fits(ExportRequest request) =>
        _count == 0 || (_units + UnitsOf(request) <= Capacity && _bytes + request.MemoryBytes <= _capacityBytes);

    private void Admit(ExportRequest request, int shard)
    {
        _units += UnitsOf(request);
        _bytes += request.MemoryBytes;
        _count++;
        _shards[shard].Enqueue(request);
        _wakeups.ShardFilled(shard);
    }

    private void Release(ExportRequest request)
    {
        _units -= UnitsOf(request);
        _bytes -= request.MemoryBytes;
        _count--;
        _wakeups.RoomFreed();
    }
}
