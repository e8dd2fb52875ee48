namespace Agent.Core.Receiving;

/// <summary>
/// Remembers that a pipeline stayed full for a whole backpressure timeout (the queue in front of a failing exporter
/// is full), so the requests after it are refused at once instead of each waiting out that timeout too: clients
/// hear "retry later" without delay and hold no connection or buffer meanwhile. One request at a time, the probe,
/// still waits for room; the first hand-over that succeeds opens the door again.
/// </summary>
internal sealed class PipelineSaturation
{
    private int _full;
    private int _probing;

    /// <summary>True while a request arriving now would be refused at once: the pipeline is full and the probe waits.</summary>
    public bool RefusesNow => Volatile.Read(ref _full) == 1 && Volatile.Read(ref _probing) == 1;

    /// <summary>How a request may go on: wait for room as usual, wait as the one probe, or be refused now.</summary>
    public Admission Admit()
    {
        if (Volatile.Read(ref _full) == 0)
        {
            return Admission.Wait;
        }

        return Interlocked.CompareExchange(ref _probing, 1, 0) == 0 ? Admission.Probe : Admission.RefuseNow;
    }

    /// <summary>A request admitted to wait is done: it was taken, or it waited the whole timeout in vain, or neither (cancelled, refused by a stage).</summary>
    public void Ended(Admission admission, bool taken, bool timedOut)
    {
        if (taken)
        {
            Volatile.Write(ref _full, 0);
        }
        else if (timedOut)
        {
            Volatile.Write(ref _full, 1);
        }

        if (admission == Admission.Probe)
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    internal enum Admission
    {
        Wait,
        Probe,
        RefuseNow,
    }
}
