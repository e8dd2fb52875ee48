using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Core.Consumers;

/// <summary>
/// Hands one batch to several consumers. Consumers that mutate get their own copy; the others share the
/// original, which no one may then change. Every consumer holds the batch's notifiers, so the source hears
/// back only when all of them are done. It reports <see cref="MutatesData"/> truthfully (it hands the original to
/// a mutator), so a fan-out in front of it copies for it: nested fan-outs (receiver, pipelines, connectors) never
/// give a mutator data another branch may still read.
/// </summary>
public sealed class FanOutConsumer<TBatch> : IConsumer<TBatch>
    where TBatch : Batch
{
    private readonly IConsumer<TBatch>[] _consumers;

    private FanOutConsumer(IConsumer<TBatch>[] consumers)
    {
        _consumers = consumers;
        MutatesData = MutatorOwningOriginal() >= 0;
    }

    /// <summary>True when the original goes to a consumer that changes it: every consumer mutates.</summary>
    public bool MutatesData { get; }

    /// <summary>The consumer itself when there is one, else a fan-out over all of them.</summary>
    public static IConsumer<TBatch> Of(IReadOnlyList<IConsumer<TBatch>> consumers) => consumers.Count switch
    {
        0 => throw new ArgumentException("A fan-out needs at least one consumer.", nameof(consumers)),
        1 => consumers[0],
        _ => new FanOutConsumer<TBatch>([.. consumers]),
    };

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        // Copies are made before anyone gets the original, so no consumer sees another's changes.
        var batches = new TBatch[_consumers.Length];
        int ownerOfOriginal = MutatorOwningOriginal();
        int moreSharers = _consumers.Length - 1 - CountCopies(ownerOfOriginal);
        batch.Retain(moreSharers);
        batch.RetainData(moreSharers);
        for (int i = 0; i < _consumers.Length; i++)
        {
            batches[i] = NeedsCopy(i, ownerOfOriginal) ? (TBatch)batch.Clone() : batch;
        }

        Exception? failure = null;
        for (int i = 0; i < _consumers.Length; i++)
        {
            if (failure is not null)
            {
                // Once the wait was abandoned, the remaining consumers never received their part.
                batches[i].Complete(DeliveryStatus.Errored);
                continue;
            }

            try
            {
                await _consumers[i].ConsumeAsync(batches[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// The mutator that may change the original in place: the last one, and only when no read-only consumer shares
    /// the original (it would see the change, even after its call returned, from its queue). -1 when none may.
    /// </summary>
    private int MutatorOwningOriginal()
    {
        if (Array.Exists(_consumers, c => !c.MutatesData))
        {
            return -1;
        }

        return _consumers.Length - 1;
    }

    private bool NeedsCopy(int index, int ownerOfOriginal) => _consumers[index].MutatesData && index != ownerOfOriginal;

    /// <summary>Clones hold the notifiers themselves; the original is shared by everyone else.</summary>
    private int CountCopies(int ownerOfOriginal)
    {
        int copies = 0;
        for (int i = 0; i < _consumers.Length; i++)
        {
            if (NeedsCopy(i, ownerOfOriginal))
            {
                copies++;
            }
        }

        return copies;
    }
}
