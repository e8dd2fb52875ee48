using System.Threading.Channels;

namespace Agent.Core.Buffers;

/// <summary>
/// A multi-producer, multi-consumer queue with two bounds: a count in the caller's units (requests, items) and a
/// byte cap, so a few huge batches cannot exhaust memory whatever the unit. An item larger than the whole capacity
/// is still admitted into an empty queue, so it never waits forever.
/// </summary>
public sealed class BoundedQueue<T>
{
    private readonly Channel<Entry> _channel =
        Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = false });

    private readonly object _gate = new();
    private TaskCompletionSource _roomFreed = NewSignal();
    private long _units;
    private long _bytes;
    private int _count;

    public BoundedQueue(long capacityUnits, long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityUnits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityUnits = capacityUnits;
        CapacityBytes = capacityBytes;
    }

    public long CapacityUnits { get; }

    public long CapacityBytes { get; }

    public long Units => Interlocked.Read(ref _units);

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => Volatile.Read(ref _count);

    public bool IsCompleted { get; private set; }

    /// <summary>Adds the item if it fits now.</summary>
    public bool TryEnqueue(T item, long units, long bytes)
    {
        lock (_gate)
        {
            if (IsCompleted || !Fits(units, bytes))
            {
                return false;
            }

            Admit(new Entry(item, units, bytes));
            return true;
        }
    }

    /// <summary>Waits for room, then adds the item. Throws when the queue was completed meanwhile.</summary>
    public async ValueTask EnqueueAsync(T item, long units, long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task roomFreed;
            lock (_gate)
            {
                if (IsCompleted)
                {
                    throw new InvalidOperationException("The queue is shut down.");
                }

                if (Fits(units, bytes))
                {
                    Admit(new Entry(item, units, bytes));
                    return;
                }

                roomFreed = _roomFreed.Task;
            }

            await roomFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the next item, waiting for one; false once the queue is completed and empty.</summary>
    public async ValueTask<(bool Ok, T Item)> TryDequeueAsync(CancellationToken cancellationToken)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryDequeue(out var item))
            {
                return (true, item);
            }
        }

        return (false, default!);
    }

    /// <summary>Takes an item that is already there, without waiting.</summary>
    public bool TryDequeue(out T item)
    {
        if (_channel.Reader.TryRead(out var entry))
        {
            Release(entry);
            item = entry.Item;
            return true;
        }

        item = default!;
        return false;
    }

    /// <summary>No more items will be added; consumers drain what is left, then stop.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            IsCompleted = true;
            _channel.Writer.TryComplete();
            _roomFreed.TrySetResult();
        }
    }

    private bool Fits(long units, long bytes) =>
        _count == 0 || (_units + units <= CapacityUnits && _bytes + bytes <= CapacityBytes);

    private void Admit(Entry entry)
    {
        _units += entry.Units;
        _bytes += entry.Bytes;
        _count++;
        _channel.Writer.TryWrite(entry);
    }

    private void Release(Entry entry)
    {
        TaskCompletionSource freed;
        lock (_gate)
        {
            _units -= entry.Units;
            _bytes -= entry.Bytes;
            _count--;
            freed = _roomFreed;
            _roomFreed = NewSignal();
        }

        freed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct Entry(T Item, long Units, long Bytes);
}
