using Agent.Core.Model;

namespace Agent.Core.Consumers;

/// <summary>
/// What a receiver hands its data to, so a configuration reload can replace the pipelines behind a receiver that
/// keeps running (its listeners open, its tailers where they are). <see cref="PauseAsync"/> holds new batches at
/// the door (callers wait, as under backpressure) and completes once every call into the old pipelines has
/// returned, so those can then be drained and stopped; <see cref="Resume"/> sends the held and all later batches to
/// the new ones. A call costs two interlocked operations and allocates nothing while the target answers at once.
/// Each target comes with whether it acknowledges on disk (<see cref="IAcknowledgesOnDisk"/>) and whether everything
/// behind it handles encoded records (<see cref="IHandlesEncodedRecords"/>), so those answers follow the swap.
/// </summary>
public sealed class SwappableConsumer<TBatch> : IConsumer<TBatch>, IAcknowledgesOnDisk, IHandlesEncodedRecords
    where TBatch : Batch
{
    private volatile Route _route;

    public SwappableConsumer(IConsumer<TBatch> target, bool acknowledgesOnDisk = false, bool handlesEncodedRecords = false) =>
        _route = new Route(target, acknowledgesOnDisk, handlesEncodedRecords);

    /// <summary>The current target's answer; while paused, true, so a fan-out in front never shares data with it.</summary>
    public bool MutatesData => _route.Target?.MutatesData ?? true;

    /// <summary>Where batches go now; null while paused.</summary>
    public IConsumer<TBatch>? Target => _route.Target;

    /// <summary>What the current target was set with; false while paused.</summary>
    public bool AcknowledgesOnDisk => _route.AcknowledgesOnDisk;

    /// <summary>
    /// What the current target was set with; false while paused (a batch held then may go to pipelines that read
    /// records, though decoding it there would still be correct).
    /// </summary>
    public bool HandlesEncodedRecords => _route.HandlesEncodedRecords;

    public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        var route = Enter();
        if (route.Target is null)
        {
            route.Leave();
            return WaitThenConsumeAsync(route, batch, cancellationToken);
        }

        ValueTask call;
        try
        {
            call = route.Target.ConsumeAsync(batch, cancellationToken);
        }
        catch
        {
            route.Leave();
            throw;
        }

        if (call.IsCompletedSuccessfully)
        {
            route.Leave();
            return call;
        }

        return LeaveAfterAsync(route, call);
    }

    /// <summary>Holds later batches; completes when no call is still inside the target it had (at once when already paused).</summary>
    public Task PauseAsync()
    {
        var old = _route;
        if (old.Target is null)
        {
            return Task.CompletedTask;
        }

        _route = new Route(null, acknowledgesOnDisk: false, handlesEncodedRecords: false);
        return old.Retire();
    }

    /// <summary>
    /// Sends the held batches and every later one to <paramref name="target"/>; <paramref name="acknowledgesOnDisk"/>
    /// says whether every exporter behind it acknowledges on disk, <paramref name="handlesEncodedRecords"/> whether
    /// every component behind it does.
    /// </summary>
    public void Resume(IConsumer<TBatch> target, bool acknowledgesOnDisk = false, bool handlesEncodedRecords = false)
    {
        var old = _route;
        _route = new Route(target, acknowledgesOnDisk, handlesEncodedRecords);
        if (old.Target is not null)
        {
            // Switched without a pause: calls still inside the old target finish there.
            _ = old.Retire();
        }

        old.Open();
    }

    private Route Enter()
    {
        while (true)
        {
            var route = _route;
            Interlocked.Increment(ref route.Active);

            // Counted before the check, so a pause that replaced the route after it waits for this call.
            if (ReferenceEquals(route, _route))
            {
                return route;
            }

            route.Leave();
        }
    }

    private async ValueTask WaitThenConsumeAsync(Route paused, TBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await paused.Opened.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller handed the batch over: abandoning the wait completes it, as every consumer does.
            batch.Complete(Delivery.DeliveryStatus.Errored);
            throw;
        }

        await ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask LeaveAfterAsync(Route route, ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        finally
        {
            route.Leave();
        }
    }

    /// <summary>One target and the calls inside it; a paused route has no target and opens when the next one is set.</summary>
    private sealed class Route(IConsumer<TBatch>? target, bool acknowledgesOnDisk, bool handlesEncodedRecords)
    {
        public int Active;
        private int _retired;
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IConsumer<TBatch>? Target { get; } = target;

        public bool AcknowledgesOnDisk { get; } = acknowledgesOnDisk;

        public bool HandlesEncodedRecords { get; } = handlesEncodedRecords;

        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Leave()
        {
            if (Interlocked.Decrement(ref Active) == 0 && Volatile.Read(ref _retired) == 1)
            {
                _drained.TrySetResult();
            }
        }

        public Task Retire()
        {
            // The exchange is a full fence: a call that entered before it is seen in Active below.
            Interlocked.Exchange(ref _retired, 1);
            if (Volatile.Read(ref Active) == 0)
            {
                _drained.TrySetResult();
            }

            return _drained.Task;
        }

        public void Open() => Opened.TrySetResult();
    }
}
