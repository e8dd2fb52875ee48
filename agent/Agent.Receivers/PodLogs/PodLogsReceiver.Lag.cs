namespace Agent.Receivers.PodLogs;

/// <summary>How far the receiver is behind its files, for the operator's "tailer behind" alert.</summary>
internal sealed partial class PodLogsReceiver
{
    /// <summary>Sums how far the open files are behind into the receiver's gauges; no stat and no allocation.</summary>
    private void ReportLag()
    {
        long unread = 0, unacknowledged = 0;
        foreach (var tailer in _active.Values)
        {
            Add(tailer, ref unread, ref unacknowledged);
        }

        foreach (var tailer in _retiring)
        {
            Add(tailer, ref unread, ref unacknowledged);
        }

        _receiving.Telemetry.TailingLag(_active.Count + _retiring.Count, unread, unacknowledged, _settings.Budget.Held);

        static void Add(FileTailer tailer, ref long unread, ref long unacknowledged)
        {
            unread += tailer.UnreadBytes;
            unacknowledged += tailer.UnacknowledgedBytes;
        }
    }
}
