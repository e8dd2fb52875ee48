using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// The kernel's process and scheduler counters in /proc/stat: node_exporter's stat collector
/// (<c>node_procs_running</c>, <c>node_procs_blocked</c>, <c>node_forks_total</c>, <c>node_context_switches_total</c>,
/// <c>node_intr_total</c>, <c>node_boot_time_seconds</c>) or the semantic conventions' <c>system.processes.count</c>
/// and <c>system.processes.created</c>, which the Collector reads from the same lines on Linux.
/// </summary>
internal sealed class ProcessesScraper(HostScraperSettings settings, HostScraperOptions options) : HostScraper("processes", settings, options)
{
    private enum Kind
    {
        Gauge,
        Counter,
    }

    /// <summary>The /proc/stat keys read, with their prometheus metric; the otel ones are fewer and written apart.</summary>
    private static readonly (byte[] Key, string Name, Kind Kind, string Unit, string Description)[] Lines =
    [
        ("procs_running"u8.ToArray(), "node_procs_running", Kind.Gauge, "", "Processes in a runnable state."),
        ("procs_blocked"u8.ToArray(), "node_procs_blocked", Kind.Gauge, "", "Processes blocked waiting for I/O to complete."),
        ("processes"u8.ToArray(), "node_forks_total", Kind.Counter, "", "Forks since boot."),
        ("ctxt"u8.ToArray(), "node_context_switches_total", Kind.Counter, "", "Context switches since boot."),
        ("intr"u8.ToArray(), "node_intr_total", Kind.Counter, "", "Interrupts serviced since boot."),
        ("btime"u8.ToArray(), "node_boot_time_seconds", Kind.Gauge, "s", "Node boot time, in unixtime."),
    ];

    private readonly string _stat = settings.PathOf("proc/stat");

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!writer.TryRead(_stat, out var content))
        {
            return;
        }

        int found = 0;
        foreach (var line in new SpanLines(content))
        {
            var fields = new SpanFields(line);
            int index = fields.TryNext(out var key) ? IndexOf(key) : -1;
            if (index < 0)
            {
                continue;
            }

            found++;
            if (!fields.TryNextUInt64(out ulong value))
            {
                writer.Fail($"{_stat}: no number after {Lines[index].Name}'s key");
                continue;
            }

            if (Prometheus)
            {
                WritePrometheus(writer, index, value);
            }
            else
            {
                WriteOtel(writer, index, value);
            }
        }

        if (found == 0)
        {
            writer.Fail($"{_stat}: none of procs_running, procs_blocked, processes, ctxt, intr, btime");
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < Lines.Length; i++)
        {
            if (key.SequenceEqual(Lines[i].Key))
            {
                return i;
            }
        }

        return -1;
    }

    private static void WritePrometheus(HostMetricWriter writer, int index, double value)
    {
        var (_, name, kind, unit, description) = Lines[index];
        if (kind == Kind.Counter)
        {
            writer.Counter(name, unit, description, value);
        }
        else
        {
            writer.Gauge(name, unit, description, value);
        }
    }

    private static void WriteOtel(HostMetricWriter writer, int index, double value)
    {
        switch (index)
        {
            case 0 or 1:
                writer.UpDownCounter("system.processes.count", "{process}", "Processes by status.", value, ("status", index == 0 ? "running" : "blocked"));
                break;
            case 2:
                writer.Counter("system.processes.created", "{process}", "Processes created since boot.", value);
                break;
        }
    }
}
