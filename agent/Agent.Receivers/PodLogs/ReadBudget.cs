namespace Agent.Receivers.PodLogs;

/// <summary>
/// The receiver-wide cap on batches handed on and not yet acknowledged, counted in bytes of their buffers. Each file
/// has its own window (<c>max_batches_in_flight</c>), but a node catching up on hundreds of files would otherwise hold
/// every window at once: the files themselves are the buffer, so reading waits instead. Waiters are served in the
/// order they came, so no file starves; a reservation larger than the whole cap is granted once nothing else is held.
/// </summary>
internal sealed class ReadBudget
{
    private readonly Lock _gate = new();
    private readonly Queue<Waiter> _waiters = new();
    private long _held;

    public ReadBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes reserved and not yet released.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>Reservations waiting for room.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count(waiter => !waiter.Granted.Task.IsCompleted);
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>, waiting (in turn) while they do not fit.</summary>
    public ValueTask ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && Fits(bytes))
            {
                _held += bytes;
                return ValueTask.CompletedTask;
            }

            waiter = new Waiter(bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Gives back what a reservation took, letting waiters in.</summary>
    public void Release(long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            while (_waiters.TryPeek(out var next))
            {
                if (next.Granted.Task.IsCompleted)
                {
                    // Cancelled while it waited.
                    _waiters.Dequeue();
                    continue;
                }

                if (!Fits(next.Bytes))
                {
                    break;
                }

                _waiters.Dequeue();
                _held += next.Bytes;
                next.Granted.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Releases <paramref name="bytes"/> once <paramref name="delivery"/> ends, however it ends. Not left to the file's
    /// own loop: that loop may itself be waiting here for room.
    /// </summary>
    public async Task ReleaseWhenDoneAsync(Task delivery, long bytes)
    {
        await delivery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Release(bytes);
    }

    private bool Fits(long bytes) => _held == 0 || _held + bytes <= Capacity;

    private async ValueTask WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Granted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            bool granted;
            lock (_gate)
            {
                granted = !waiter.Granted.TrySetCanceled(cancellationToken);
            }

            if (granted)
            {
                // Granted just as the wait gave up: the room goes to the next in line.
                Release(waiter.Bytes);
            }

            throw;
        }
    }

    private sealed record Waiter(long Bytes, TaskCompletionSource Granted);
}
