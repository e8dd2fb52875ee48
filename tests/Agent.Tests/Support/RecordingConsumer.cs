using System.Collections.Concurrent;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Tests.Support;

/// <summary>
/// The one pipeline end for tests: keeps every batch it is given and completes it at once with the status
/// <see cref="Decide"/> gives the n-th batch (<c>completeWith</c> by default; null leaves it to the test), or holds it
/// until <see cref="ReleaseHeld"/>, or plays a full queue (<see cref="Full"/>, <see cref="Room"/>).
/// </summary>
internal sealed class RecordingConsumer<TBatch>(bool mutatesData = false, DeliveryStatus? completeWith = DeliveryStatus.Delivered) : IConsumer<TBatch>
    where TBatch : Batch
{
    private readonly Lock _gate = new();
    private readonly List<TBatch> _received = [];
    private readonly ConcurrentQueue<(TBatch Batch, DeliveryStatus? Status)> _held = new();
    private readonly TaskCompletionSource _firstBatch = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly Task Never = new TaskCompletionSource().Task;

    private volatile bool _hold;
    private volatile bool _full;
    private int _waitedForRoom;

    public bool MutatesData => mutatesData;

    /// <summary>The status for the n-th batch (from 0); null leaves the batch uncompleted.</summary>
    public Func<int, DeliveryStatus?> Decide { get; set; } = _ => completeWith;

    /// <summary>Runs inside ConsumeAsync before the batch is kept, e.g. to block or to change the batch.</summary>
    public Func<TBatch, CancellationToken, ValueTask>? OnConsume { get; set; }

    /// <summary>Runs while the batch's data is still valid (before it is completed), with the status it will get.</summary>
    public Action<TBatch, DeliveryStatus?>? Inspect { get; set; }

    /// <summary>Keep batches but complete them only on <see cref="ReleaseHeld"/>.</summary>
    public bool Hold
    {
        get => _hold;
        set => _hold = value;
    }

    /// <summary>Behave like a full queue: wait for room until the caller gives up, then complete as errored.</summary>
    public bool Full
    {
        get => _full;
        set => _full = value;
    }

    /// <summary>When set, each batch first waits for this task (room appearing in a full queue), or until the caller gives up.</summary>
    public Task? Room { get; set; }

    /// <summary>Batches that began to wait for room (<see cref="Full"/> or <see cref="Room"/>).</summary>
    public int WaitedForRoom => Volatile.Read(ref _waitedForRoom);

    public IReadOnlyList<TBatch> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _received.Count;
            }
        }
    }

    public int HeldCount => _held.Count;

    /// <summary>Resolves once a batch was kept.</summary>
    public Task FirstBatch => _firstBatch.Task;

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        if ((Full ? Never : Room) is { } room)
        {
            await WaitForRoomAsync(batch, room, cancellationToken);
        }

        if (OnConsume is not null)
        {
            await OnConsume(batch, cancellationToken);
        }

        int index;
        lock (_gate)
        {
            index = _received.Count;
            _received.Add(batch);
        }

        var status = Decide(index);
        Inspect?.Invoke(batch, status);
        if (Hold)
        {
            _held.Enqueue((batch, status));
        }
        else if (status is { } decided)
        {
            batch.Complete(decided);
        }

        // Last, so a test woken by it finds the batch held or completed.
        _firstBatch.TrySetResult();
    }

    /// <summary>Completes the held batches with the status each was given.</summary>
    public void ReleaseHeld()
    {
        while (_held.TryDequeue(out var held))
        {
            if (held.Status is { } status)
            {
                held.Batch.Complete(status);
            }
        }
    }

    private async Task WaitForRoomAsync(TBatch batch, Task room, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waitedForRoom);
        try
        {
            await room.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            batch.Complete(DeliveryStatus.Errored);
            throw;
        }
    }
}
