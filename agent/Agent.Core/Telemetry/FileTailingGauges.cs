namespace Agent.Core.Telemetry;

/// <summary>
/// How far a file receiver is behind the files it tails, set once per poll: files open, bytes appended but not yet
/// read, bytes appended but not yet acknowledged by the pipeline (what a restart would read again), and how much of
/// its read budget unacknowledged batches hold (at the budget, reading waits for the pipeline).
/// </summary>
public sealed class FileTailingGauges
{
    private readonly IGauge _files;
    private readonly IGauge _unread;
    private readonly IGauge _unacknowledged;
    private readonly IGauge _budgetHeld;

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
        _budgetHeld = registry.Gauge(
            "agent_receiver_read_budget_held_bytes", "Bytes of a file receiver's max_bytes_in_flight held by batches not yet acknowledged, as of the last poll; at the budget, reading waits.", labels, values);
    }

    public void Set(int files, long unreadBytes, long unacknowledgedBytes, long budgetHeldBytes)
    {
        _files.Set(files);
        _unread.Set(unreadBytes);
        _unacknowledged.Set(unacknowledgedBytes);
        _budgetHeld.Set(budgetHeldBytes);
    }
}
