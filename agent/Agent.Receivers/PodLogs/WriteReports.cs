namespace Agent.Receivers.PodLogs;

/// <summary>
/// Whether the watch reports writes to every file under the include globs right now. While it does, a tailer whose
/// file stayed idle waits for the report instead of checking the file every poll; when the watch fails or loses
/// events, every tailer is woken and polls again.
/// </summary>
internal sealed class WriteReports
{
    private volatile bool _reported;

    public bool Reported
    {
        get => _reported;
        set => _reported = value;
    }
}
