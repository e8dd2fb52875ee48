using Agent.Core.Config;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// <c>process</c>: the Collector's per-process scraper. <c>include</c> / <c>exclude</c> of executable names; the
/// <c>mute_process_*_error</c> switches stop counting the failures that are normal for an agent without every
/// privilege (another user's <c>exe</c> link or <c>io</c> file). Its metrics keep the semantic conventions' names
/// in both namings; the optional ones are off unless switched on under <c>metrics</c>.
/// </summary>
public sealed class ProcessScraperOptions : HostScraperOptions, IValidatable
{
    /// <summary>The metrics on when <c>metrics</c> says nothing of them, as in the Collector.</summary>
    internal static readonly string[] DefaultMetrics = ["process.cpu.time", "process.memory.usage", "process.memory.virtual", "process.disk.io"];

    /// <summary>The metrics off when <c>metrics</c> says nothing of them.</summary>
    internal static readonly string[] OptionalMetrics = ["process.threads", "process.open_file_descriptors", "process.context_switches"];

    public ProcessNameFilterOptions? Include { get; set; }

    public ProcessNameFilterOptions? Exclude { get; set; }

    /// <summary>A process whose name cannot be read is skipped without counting.</summary>
    public bool MuteProcessNameError { get; set; }

    /// <summary>A process whose executable link cannot be read (kernel threads, other users' processes) is skipped without counting.</summary>
    public bool MuteProcessExeError { get; set; }

    /// <summary>A process whose I/O counters cannot be read (they need privileges) loses <c>process.disk.io</c> without counting.</summary>
    public bool MuteProcessIoError { get; set; }

    /// <summary>A process whose owner's uid is not in <c>/etc/passwd</c> loses <c>process.owner</c> without counting.</summary>
    public bool MuteProcessUserError { get; set; }

    internal override IReadOnlySet<string> DisabledMetrics()
    {
        var disabled = new HashSet<string>(base.DisabledMetrics(), StringComparer.Ordinal);
        foreach (string optional in OptionalMetrics)
        {
            if (!Metrics.TryGetValue(optional, out var on) || !on.Enabled)
            {
                disabled.Add(optional);
            }
        }

        return disabled;
    }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (string name in Metrics.Keys.Where(name => !DefaultMetrics.Contains(name) && !OptionalMetrics.Contains(name)))
        {
            yield return ($"metrics.{name}", $"is not a metric of the process scraper ({string.Join(", ", DefaultMetrics.Concat(OptionalMetrics))})");
        }
    }
}
