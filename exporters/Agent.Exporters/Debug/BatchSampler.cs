namespace Agent.Exporters.Debug;

/// <summary>
/// The Collector's debug sampling: in each second the first <c>initial</c> batches are written, then one in
/// <c>thereafter</c>, so a busy pipeline cannot flood the log.
/// </summary>
internal sealed class BatchSampler(int initial, int thereafter, TimeProvider time)
{
    private readonly object _gate = new();
    private long _second = -1;
    private long _seen;

    public bool ShouldWrite()
    {
        long second = time.GetUtcNow().ToUnixTimeSeconds();
        long seen;
        lock (_gate)
        {
            if (second != _second)
            {
                _second = second;
                _seen = 0;
            }

            seen = ++_seen;
        }

        if (seen <= initial)
        {
            return true;
        }

        return thereafter > 0 && (seen - initial) % thereafter == 0;
    }
}
