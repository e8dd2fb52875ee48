namespace Agent.Core.Net;

/// <summary>
/// Whether a failure or a success is worth a log line: the first failure of a run of them, and the success that
/// ends the run. A file read again every few seconds then logs twice per outage, not at every read.
/// </summary>
internal sealed class FailureStreak
{
    private bool _failing;

    /// <summary>True for the first failure since the last success.</summary>
    public bool Failed()
    {
        bool first = !_failing;
        _failing = true;
        return first;
    }

    /// <summary>True when this success ends a run of failures.</summary>
    public bool Succeeded()
    {
        bool recovered = _failing;
        _failing = false;
        return recovered;
    }
}
