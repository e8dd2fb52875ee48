namespace Agent.Receivers.Otlp;

/// <summary>
/// The receiver's budget of request bytes held at once, read but not yet handed to the pipeline (undecoded, being
/// decoded, being handed over), shared by its gRPC and HTTP servers. A request that finds the budget spent is
/// answered with the retryable status at once instead of being buffered. A request alone may go past the budget (its
/// size is bounded by the request limits), so a large request is never refused forever.
/// </summary>
internal sealed class InFlightBytes(long limit)
{
    private long _held;

    public long Limit => limit;

    /// <summary>Bytes held now, by all requests.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>A lease for one request, holding nothing yet.</summary>
    public Lease Open() => new(this);

    private bool TryAdd(long bytes, long heldByCaller)
    {
        while (true)
        {
            long held = Volatile.Read(ref _held);
            if (held + bytes > limit && held != heldByCaller)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>What one request holds of the budget; disposing it gives the bytes back.</summary>
    public sealed class Lease(InFlightBytes budget) : IDisposable
    {
        public long Held { get; private set; }

        /// <summary>Grows the lease to cover <paramref name="bytes"/> in all; false (and nothing taken) when the budget is spent.</summary>
        public bool TryCover(long bytes)
        {
            if (bytes <= Held)
            {
                return true;
            }

            if (!budget.TryAdd(bytes - Held, Held))
            {
                return false;
            }

            Held = bytes;
            return true;
        }

        public void Dispose()
        {
            Interlocked.Add(ref budget._held, -Held);
            Held = 0;
        }
    }
}
