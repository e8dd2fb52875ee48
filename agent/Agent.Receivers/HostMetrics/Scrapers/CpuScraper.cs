using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// CPU time per CPU and mode from the <c>cpuN</c> lines of /proc/stat (in USER_HZ ticks, 100 per second on every
/// Linux architecture the agent runs on): node_exporter's cpu collector or the semantic conventions'
/// <c>system.cpu.time</c>.
/// </summary>
internal sealed class CpuScraper(HostScraperSettings settings, HostScraperOptions options) : HostScraper("cpu", settings, options)
{
    private const double TicksPerSecond = 100;

    // The modes of the first eight values, as node_exporter and the semantic conventions name them.
    private static readonly string[] PrometheusModes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];
    private static readonly string[] OtelStates = ["user", "nice", "system", "idle", "wait", "interrupt", "softirq", "steal"];

    private readonly string _stat = settings.PathOf("proc/stat");

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!writer.TryRead(_stat, out var content))
        {
            return;
        }

        Span<double> values = stackalloc double[10];
        foreach (var line in new SpanLines(content))
        {
            // "cpu " is the sum over all CPUs; "cpu0 ..." are the CPUs.
            if (line.Length < 4 || !line.StartsWith("cpu"u8) || !char.IsAsciiDigit((char)line[3]))
            {
                continue;
            }

            var fields = new SpanFields(line);
            fields.TryNext(out var name);
            int count = 0;
            while (count < values.Length && fields.TryNextUInt64(out ulong ticks))
            {
                values[count++] = ticks / TicksPerSecond;
            }

            if (count < PrometheusModes.Length)
            {
                writer.Fail($"{_stat}: a cpu line has {count} values, expected at least {PrometheusModes.Length}");
                continue;
            }

            Write(writer, name, values[..count]);
        }
    }

    private void Write(HostMetricWriter writer, ReadOnlySpan<byte> name, ReadOnlySpan<double> seconds)
    {
        if (!Prometheus)
        {
            string cpu = Strings.Get(name);
            for (int i = 0; i < OtelStates.Length; i++)
            {
                writer.Counter("system.cpu.time", "s", "Seconds each logical CPU spent on each mode.", seconds[i], ("cpu", cpu), ("state", OtelStates[i]));
            }

            return;
        }

        string number = Strings.Get(name[3..]);
        for (int i = 0; i < PrometheusModes.Length; i++)
        {
            writer.Counter("node_cpu_seconds_total", "s", "Seconds the CPUs spent in each mode.", seconds[i], ("cpu", number), ("mode", PrometheusModes[i]));
        }

        // Guest time is also counted in user and nice; node_exporter reports it apart.
        if (seconds.Length >= 10)
        {
            writer.Counter("node_cpu_guest_seconds_total", "s", "Seconds the CPUs spent in guests (VMs) for each mode.", seconds[8], ("cpu", number), ("mode", "user"));
            writer.Counter("node_cpu_guest_seconds_total", "s", "Seconds the CPUs spent in guests (VMs) for each mode.", seconds[9], ("cpu", number), ("mode", "nice"));
        }
    }
}
