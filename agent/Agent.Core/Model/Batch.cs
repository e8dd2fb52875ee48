using Agent.Core.Delivery;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// What moves through a pipeline: the records of one signal, grouped by resource, plus the notifiers of the
/// sources they came from. Ownership passes with every consume call; whoever holds a batch last completes it.
/// </summary>
public abstract class Batch
{
    private const int Unknown = -1;

    private List<BatchNotifier>? _notifiers;
    private int _itemCount = Unknown;
    private long _byteSize = Unknown;

    public abstract Signal Signal { get; }

    /// <summary>
    /// Spans, metric data points or log records. Counted once and cached: Append, SplitFront and Clone keep the
    /// cache right, and code that changes the data in place calls <see cref="ContentChanged"/>.
    /// </summary>
    public int ItemCount => _itemCount != Unknown ? _itemCount : _itemCount = CountItems();

    /// <summary>The encoded size in bytes: what byte-bounded queues count. Cached like <see cref="ItemCount"/>.</summary>
    public long ByteSize => _byteSize != Unknown ? _byteSize : _byteSize = MeasureBytes();

    /// <summary>
    /// The resource of each group; processors that touch resources cost per group, not per record. Handing the
    /// resources out counts as a change (the caller may edit them), so the cached byte size is dropped.
    /// </summary>
    public IEnumerable<Resource> Resources
    {
        get
        {
            _byteSize = Unknown;
            return EnumerateResources();
        }
    }

    /// <summary>
    /// The sources' notifiers this batch holds. An exporter that encodes a batch into requests hands them to the
    /// requests, so the batch need not be kept while they are sent.
    /// </summary>
    public IReadOnlyList<BatchNotifier> Notifiers => (IReadOnlyList<BatchNotifier>?)_notifiers ?? [];

    /// <summary>
    /// The client that sent the data; copies and split parts keep it. A merge keeps it only when both sides came
    /// from the same client (equal contexts), else the merged batch has <see cref="ClientContext.Empty"/>.
    /// </summary>
    public ClientContext Context { get; set; } = ClientContext.Empty;

    /// <summary>
    /// Drops the cached item count and byte size. Call it after changing the data in place other than through
    /// Append or SplitFront (adding or removing records, editing attributes or bodies).
    /// </summary>
    public void ContentChanged()
    {
        _itemCount = Unknown;
        _byteSize = Unknown;
    }

    protected abstract int CountItems();

    /// <summary>Sets the item count its maker already knows (as <see cref="CountItems"/> would say); negative when it does not.</summary>
    private protected void ItemsCountedBy(int items) => _itemCount = items < 0 ? Unknown : items;

    protected abstract long MeasureBytes();

    protected abstract IEnumerable<Resource> EnumerateResources();

    /// <summary>
    /// Bookkeeping of a merge after <paramref name="other"/>'s groups moved into this batch: its notifiers, the
    /// client context and the cached sizes. Byte sizes add up exactly (a request is a list of groups, each encoded
    /// on its own), so known sizes are summed rather than re-walked.
    /// </summary>
    private protected void CompleteMerge(Batch other, int itemsBefore, int itemsAdded)
    {
        if (itemsAdded > 0)
        {
            Context = itemsBefore == 0 ? other.Context : ClientContext.Merge(Context, other.Context);
        }

        _itemCount = itemsBefore + itemsAdded;
        _byteSize = _byteSize != Unknown && other._byteSize != Unknown ? _byteSize + other._byteSize : Unknown;
        other._itemCount = 0;
        other._byteSize = Unknown;
        TakeNotifiersFrom(other);
    }

    /// <summary>
    /// After a split, this batch keeps what did not move; byte sizes are dropped (a group cut in two has its
    /// resource on both sides).
    /// </summary>
    private protected void CompleteSplit(Batch front, int itemsBefore)
    {
        _itemCount = itemsBefore - front.ItemCount;
        _byteSize = Unknown;
        ShareNotifiersWith(front);
    }

    /// <summary>A copy holds the same data: it starts with the same cached sizes.</summary>
    private protected void CompleteClone(Batch copy)
    {
        copy._itemCount = _itemCount;
        copy._byteSize = _byteSize;
        ShareNotifiersWith(copy);
    }

    /// <summary>Ties this batch to a source's notifier. The notifier's hold passes to the batch.</summary>
    public void AttachNotifier(BatchNotifier notifier)
    {
        (_notifiers ??= new List<BatchNotifier>(1)).Add(notifier);
    }

    /// <summary>Takes over <paramref name="other"/>'s notifiers (used when batches are merged).</summary>
    private void TakeNotifiersFrom(Batch other)
    {
        if (other._notifiers is null)
        {
            return;
        }

        (_notifiers ??= new List<BatchNotifier>(other._notifiers.Count)).AddRange(other._notifiers);
        other._notifiers = null;
    }

    /// <summary>Gives <paramref name="copy"/> this batch's client context and an extra hold on every notifier (for copies and split parts).</summary>
    private void ShareNotifiersWith(Batch copy)
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

    /// <summary>
    /// Adds <paramref name="count"/> readers of the batch's pooled data (a fan-out handing one batch to several
    /// consumers); each lets go with <see cref="ReleaseData"/>. Batches without pooled data ignore it.
    /// </summary>
    public virtual void RetainData(int count)
    {
    }

    /// <summary>
    /// This reader is done with the batch's data (an exporter encoded it): pooled buffers go back once every reader
    /// let go. The reader must not touch the batch's content afterwards.
    /// </summary>
    public virtual void ReleaseData()
    {
    }

    /// <summary>A deep copy sharing this batch's notifiers (one more hold each), for consumers that mutate.</summary>
    public abstract Batch Clone();
}

/// <summary>A batch type that can be merged and split, which is what the batch processor needs.</summary>
public abstract class Batch<TSelf> : Batch
    where TSelf : Batch<TSelf>
{
    /// <summary>Moves all of <paramref name="other"/>'s groups and notifiers into this batch.</summary>
    public void Append(TSelf other)
    {
        int before = ItemCount;
        int added = other.ItemCount;
        MoveGroupsFrom(other);
        CompleteMerge(other, before, added);
    }

    /// <summary>
    /// Removes the first <paramref name="maxItems"/> items into a new batch and returns it; this batch keeps the
    /// rest. Both hold the notifiers and the client context.
    /// </summary>
    public TSelf SplitFront(int maxItems)
    {
        int before = ItemCount;
        var front = TakeFront(maxItems);
        CompleteSplit(front, before);
        return front;
    }

    /// <summary>A deep copy sharing this batch's notifiers (one more hold each) and client context.</summary>
    public override TSelf Clone()
    {
        var copy = CopyData();
        CompleteClone(copy);
        return copy;
    }

    /// <summary>Moves every group of <paramref name="other"/> to the end of this batch, leaving it empty.</summary>
    protected abstract void MoveGroupsFrom(TSelf other);

    /// <summary>Moves the first <paramref name="maxItems"/> items into a new batch without notifiers.</summary>
    protected abstract TSelf TakeFront(int maxItems);

    /// <summary>A deep copy of the data alone.</summary>
    protected abstract TSelf CopyData();
}
