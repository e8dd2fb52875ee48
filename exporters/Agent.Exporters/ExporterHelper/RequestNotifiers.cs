using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// The notifiers of the batch a set of requests was encoded from. A batch split into k requests gives the set k
/// holds (<see cref="Batch.Retain"/>), one released by each request, so its sources hear back once all k are done,
/// with the worst status. The batch itself is not kept: its requests carry everything needed to send.
/// </summary>
public sealed class RequestNotifiers
{
    private readonly IReadOnlyList<BatchNotifier> _notifiers;

    private RequestNotifiers(IReadOnlyList<BatchNotifier> notifiers)
    {
        _notifiers = notifiers;
    }

    /// <summary>No source to tell (a request read back from its byte form).</summary>
    public static RequestNotifiers None { get; } = new([]);

    /// <summary>Takes over <paramref name="batch"/>'s holds for <paramref name="requests"/> requests (at least one).</summary>
    public static RequestNotifiers Take(Batch batch, int requests)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        batch.Retain(requests - 1);
        return batch.Notifiers.Count == 0 ? None : new([.. batch.Notifiers]);
    }

    /// <summary>Releases one hold on each notifier.</summary>
    public void Complete(DeliveryStatus status)
    {
        foreach (var notifier in _notifiers)
        {
            notifier.Release(status);
        }
    }
}
