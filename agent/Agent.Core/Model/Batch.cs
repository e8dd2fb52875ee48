using Agent.Core.Delivery;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// What moves through a pipeline: the records of one signal, grouped by resource, plus the notifiers of the
/// sources they came from. Ownership passes with every consume call; whoever holds a batch last completes it.
/// </summary>
public abstract class Batch
{
    private List<BatchNotifier>? _notifiers;

    public abstract Signal Signal { get; }

    /// <summary>Spans, metric data points or log records.</summary>
    public abstract int ItemCount { get; }

    /// <summary>The encoded size in bytes: what byte-bounded queues count.</summary>
    public abstract long ByteSize { get; }

    /// <summary>The resource of each group; processors that touch resources cost per group, not per record.</summary>
    public abstract IEnumerable<Resource> Resources { get; }

    /// <summary>The client that sent the data; copies and split parts keep it.</summary>
    public ClientContext Context { get; set; } = ClientContext.Empty;

    /// <summary>Ties this batch to a source's notifier. The notifier's hold passes to the batch.</summary>
    public void AttachNotifier(BatchNotifier notifier)
    {
        (_notifiers ??= new List<BatchNotifier>(1)).Add(notifier);
    }

    /// <summary>Takes over <paramref name="other"/>'s notifiers (used when batches are merged).</summary>
    protected void TakeNotifiersFrom(Batch other)
    {
        if (other._notifiers is null)
        {
            return;
        }

        (_notifiers ??= new List<BatchNotifier>(other._notifiers.Count)).AddRange(other._notifiers);
        other._notifiers = null;
    }

    /// <summary>Gives <paramref name="copy"/> this batch's client context and an extra hold on every notifier (for copies and split parts).</summary>
    protected void ShareNotifiersWith(Batch copy)
    {
        copy.Context = Context;
        if (_notifiers is null)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            notifier.Retain();
            copy.AttachNotifier(notifier);
        }
    }

    /// <summary>Adds <paramref name="count"/> holds on every notifier (fan-out to several consumers).</summary>
    public void Retain(int count)
    {
        if (_notifiers is null || count == 0)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            notifier.Retain(count);
        }
    }

    /// <summary>Releases one hold on every notifier: this holder is done with the batch.</summary>
    public void Complete(DeliveryStatus status)
    {
        if (_notifiers is null)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            notifier.Release(status);
        }
    }

    /// <summary>A deep copy sharing this batch's notifiers (one more hold each), for consumers that mutate.</summary>
    public abstract Batch Clone();
}

/// <summary>A batch type that can be merged and split, which is what the batch processor needs.</summary>
public abstract class Batch<TSelf> : Batch
    where TSelf : Batch<TSelf>
{
    /// <summary>Moves all of <paramref name="other"/>'s groups and notifiers into this batch.</summary>
    public abstract void Append(TSelf other);

    /// <summary>
    /// Removes the first <paramref name="maxItems"/> items into a new batch and returns it; this batch keeps the
    /// rest. Both hold the notifiers.
    /// </summary>
    public abstract TSelf SplitFront(int maxItems);

    public abstract override TSelf Clone();
}
