using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// The batches of one file that were handed on and not yet acknowledged, oldest first. Acknowledgements are taken
/// in order, so the committed position only ever moves past data whose batch, and every batch before it, is
/// done. Delivered and Rejected (a permanent refusal: sending again cannot help) commit; Errored asks for the data
/// to be read again from the committed position.
/// </summary>
internal sealed class InFlightWindow
{
    private readonly Queue<Entry> _entries = new();

    public InFlightWindow(FileIdentity identity, TailPosition committed)
    {
        CommittedIdentity = identity;
        Committed = committed;
    }

    public int Count => _entries.Count;

    /// <summary>The position up to which every batch was acknowledged.</summary>
    public TailPosition Committed { get; private set; }

    public FileIdentity CommittedIdentity { get; private set; }

    /// <summary>Adds a batch's acknowledgement (or, already completed, a position after skipped lines).</summary>
    public void Add(Task<DeliveryStatus> completion, TailPosition end, FileIdentity identity) =>
        _entries.Enqueue(new Entry(completion, end, identity));

    /// <summary>The oldest unacknowledged batch's completion, or null when none is in flight.</summary>
    public Task? Oldest => _entries.TryPeek(out var head) ? head.Completion : null;

    /// <summary>
    /// Takes the acknowledgements that have arrived, in order, calling <paramref name="commit"/> for each new
    /// committed position. Returns false when a batch errored: the caller must read again from <see cref="Committed"/>.
    /// </summary>
    public bool TakeCompleted(Action<FileIdentity, TailPosition> commit)
    {
        while (_entries.TryPeek(out var head) && head.Completion.IsCompleted)
        {
            _entries.Dequeue();

            var status = head.Completion.IsCompletedSuccessfully ? head.Completion.Result : DeliveryStatus.Errored;
            if (status == DeliveryStatus.Errored)
            {
                return false;
            }

            Committed = head.End;
            CommittedIdentity = head.Identity;
            commit(head.Identity, head.End);
        }

        return true;
    }

    /// <summary>Waits for every batch still in flight and drops their results (after an error, or to start over).</summary>
    public async Task AbandonAllAsync(CancellationToken cancellationToken)
    {
        while (_entries.TryPeek(out var head))
        {
            await ((Task)head.Completion).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!head.Completion.IsCompleted)
            {
                return;
            }

            _entries.Dequeue();
        }
    }

    /// <summary>Restarts from a new file content (after a truncation): nothing may be in flight.</summary>
    public void ResetTo(FileIdentity identity, TailPosition position)
    {
        CommittedIdentity = identity;
        Committed = position;
    }

    private readonly record struct Entry(Task<DeliveryStatus> Completion, TailPosition End, FileIdentity Identity);
}
