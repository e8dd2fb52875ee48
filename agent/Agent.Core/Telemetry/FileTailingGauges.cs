namespace Agent.Core.Telemetry;

/// <summary>
/// How far a file receiver is behind the files it tails, set once per poll: files open, bytes appended but not yet
/// read, and bytes appended but not yet acknowledged by the pipeline (what a restart would read again).
/// </summary>
public sealed class FileTailingGauges
{
    private readonly IGauge _files;
    private readonly IGauge _unread;
    private readonly IGauge _unacknowledged;

    public FileTailingGauges(ITelemetryRegistry registry, string receiver)
    {
        string[] labels = ["receiver"];
        string[] values = [receiver];
        _files = registry.Gauge(
            "agent_receiver_files_tailed", "Files a file receiver has open, including rotated or deleted ones it is still reading to their end.", labels, values);
        _unread = registry.Gauge(
            "agent_receiver_unread_bytes", "Bytes appended to the tailed files that a file receiver has not read yet, as of its last poll.", labels, values);
        _unacknowledged = registry.Gauge(
            "agent_receiver_unacknowledged_bytes", "Bytes of the tailed files past their checkpoints: not read yet or not yet acknowledged by the pipeline, as of the last poll.", labels, values);
    }

    public void Set(int files, long unreadBytes, long unacknowledgedBytes)
    {
        _files.Set(files);
        _unread.Set(unreadBytes);
        _unacknowledged.Set(unacknowledgedBytes);
    }
}
