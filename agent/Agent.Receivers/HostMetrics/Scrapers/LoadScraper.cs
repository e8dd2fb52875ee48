using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Load averages from /proc/loadavg (<c>node_load1</c>… or <c>system.cpu.load_average.1m</c>…) and pressure stall
/// information from /proc/pressure when the kernel has it (node_exporter's pressure collector, or
/// <c>system.pressure.stall_time{resource,type}</c>, ours, as the semantic conventions have no name for it): no
/// /proc/pressure is not an error, a file there that does not parse is. At the system level the kernel reports
/// no "full" stall for the CPU (always 0), so CPU has "some" only, as in node_exporter.
/// </summary>
internal sealed class LoadScraper(HostScraperSettings settings, HostScraperOptions options) : HostScraper("load", settings, options)
{
    private static readonly string[] PrometheusNames = ["node_load1", "node_load5", "node_load15"];
    private static readonly string[] OtelNames = ["system.cpu.load_average.1m", "system.cpu.load_average.5m", "system.cpu.load_average.15m"];
    private static readonly string[] Descriptions = ["1m load average.", "5m load average.", "15m load average."];

    private readonly string _loadavg = settings.PathOf("proc/loadavg");
    private readonly string _pressure = settings.PathOf("proc/pressure");
    private readonly string _cpuPressure = settings.PathOf("proc/pressure/cpu");
    private readonly string _ioPressure = settings.PathOf("proc/pressure/io");
    private readonly string _memoryPressure = settings.PathOf("proc/pressure/memory");

    internal override void Scrape(HostMetricWriter writer)
    {
        ScrapeLoad(writer);
        if (Directory.Exists(_pressure))
        {
            ScrapePressure(writer, _cpuPressure, "cpu", withStalled: false);
            ScrapePressure(writer, _ioPressure, "io", withStalled: true);
            ScrapePressure(writer, _memoryPressure, "memory", withStalled: true);
        }
    }

    private void ScrapeLoad(HostMetricWriter writer)
    {
        if (!writer.TryRead(_loadavg, out var content))
        {
            return;
        }

        var fields = new SpanFields(content);
        var names = Prometheus ? PrometheusNames : OtelNames;
        for (int i = 0; i < names.Length; i++)
        {
            if (!fields.TryNextDouble(out double load))
            {
                writer.Fail($"{_loadavg}: expected three load averages");
                return;
            }

            writer.Gauge(names[i], Prometheus ? string.Empty : "{thread}", Descriptions[i], load);
        }
    }

    /// <summary>"some … total=µs" is time some task waited; "full … total=µs" time all non-idle tasks stalled.</summary>
    private void ScrapePressure(HostMetricWriter writer, string path, string resource, bool withStalled)
    {
        if (!writer.TryRead(path, out var content))
        {
            return;
        }

        bool some = false;
        foreach (var line in new SpanLines(content))
        {
            bool isSome = line.StartsWith("some "u8);
            if (!isSome && !(withStalled && line.StartsWith("full "u8)))
            {
                continue;
            }

            some |= isSome;
            if (!TryTotal(line, out double microseconds))
            {
                writer.Fail($"{path}: a line has no total=");
                continue;
            }

            if (Prometheus)
            {
                string name = isSome ? $"node_pressure_{resource}_waiting_seconds_total" : $"node_pressure_{resource}_stalled_seconds_total";
                writer.Counter(name, "s", isSome ? $"Seconds processes waited for {resource}." : $"Seconds no process could make progress for lack of {resource}.", microseconds / 1e6);
            }
            else
            {
                writer.Counter(
                    "system.pressure.stall_time",
                    "s",
                    "Seconds some task (type some) or every non-idle task (type full) was stalled waiting for the resource.",
                    microseconds / 1e6,
                    ("resource", resource),
                    ("type", isSome ? "some" : "full"));
            }
        }

        if (!some)
        {
            writer.Fail($"{path}: no \"some\" line");
        }
    }

    private static bool TryTotal(ReadOnlySpan<byte> line, out double value)
    {
        value = 0;
        var fields = new SpanFields(line);
        while (fields.TryNext(out var field))
        {
            if (field.StartsWith("total="u8))
            {
                bool parsed = System.Buffers.Text.Utf8Parser.TryParse(field[6..], out ulong total, out int used) && used == field.Length - 6;
                value = total;
                return parsed;
            }
        }

        return false;
    }
}
