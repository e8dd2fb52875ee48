namespace Agent.Core.Delivery;

/// <summary>
/// A reference-counted completion shared by every copy and part of what a source handed to a pipeline.
/// It resolves once the last holder has released it, with the worst status any holder reported, so a
/// source learns when every exporter is done with its data (end-to-end acknowledgement).
/// </summary>
public sealed class BatchNotifier
{
    private readonly TaskCompletionSource<DeliveryStatus> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _holders = 1;
    private int _worst = (int)DeliveryStatus.Delivered;

    /// <summary>Resolves when every holder has released.</summary>
    public Task<DeliveryStatus> Completion => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>Adds <paramref name="count"/> holders; each must call <see cref="Release"/> once.</summary>
    public void Retain(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        // Checked before adding, so a late retain cannot revive a resolved notifier or skew its count.
        int current;
        do
        {
            current = Volatile.Read(ref _holders);
            if (current <= 0)
            {
                throw new InvalidOperationException("The notifier was already completed.");
            }
        }
        while (Interlocked.CompareExchange(ref _holders, current + count, current) != current);
    }

    public void Release(DeliveryStatus status)
    {
        int wanted = (int)status;
        int current;
        while ((current = Volatile.Read(ref _worst)) < wanted &&
               Interlocked.CompareExchange(ref _worst, wanted, current) != current)
        {
        }

        int left = Interlocked.Decrement(ref _holders);
        if (left == 0)
        {
            _completion.TrySetResult((DeliveryStatus)Volatile.Read(ref _worst));
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("The notifier was released more often than it was retained.");
        }
    }
}
