using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Paging and swap: in prometheus naming, node_exporter's vmstat collector (the /proc/vmstat fields its default
/// <c>^(oom_kill|pgpg|pswp|pg.*fault).*</c> selects, untyped in node_exporter, hence gauges here so no
/// <c>_total</c> is added on the way out); in otel naming, <c>system.paging.usage</c> per swap device from
/// /proc/swaps and <c>system.paging.operations</c> / <c>system.paging.faults</c> from /proc/vmstat, as the Collector.
/// </summary>
internal sealed class PagingScraper(HostScraperSettings settings, HostScraperOptions options) : HostScraper("paging", settings, options)
{
    private readonly string _vmstat = settings.PathOf("proc/vmstat");
    private readonly string _swaps = settings.PathOf("proc/swaps");

    // vmstat field → "node_vmstat_" + field, built once per field.
    private readonly Dictionary<string, (string Name, string Description)> _metricNames = new(StringComparer.Ordinal);

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!Prometheus)
        {
            ScrapeSwaps(writer);
        }

        if (!writer.TryRead(_vmstat, out var content))
        {
            return;
        }

        var counters = new OtelCounters();
        foreach (var line in new SpanLines(content))
        {
            var fields = new SpanFields(line);
            if (!fields.TryNext(out var key))
            {
                continue;
            }

            bool wanted = Prometheus ? IsNodeExporterField(key) : OtelCounters.Wants(key);
            if (!wanted)
            {
                continue;
            }

            if (!fields.TryNextUInt64(out ulong value))
            {
                writer.Fail($"{_vmstat}: a line has no number");
                continue;
            }

            if (Prometheus)
            {
                var (name, description) = MetricName(Strings.Get(key));
                writer.Gauge(name, string.Empty, description, value);
            }
            else
            {
                counters.Take(key, value);
            }
        }

        if (!Prometheus)
        {
            counters.Write(writer);
        }
    }

    /// <summary>node_exporter 1.5's default <c>--collector.vmstat.fields</c>, without a regular expression.</summary>
    internal static bool IsNodeExporterField(ReadOnlySpan<byte> key) =>
        key.StartsWith("oom_kill"u8) || key.StartsWith("pgpg"u8) || key.StartsWith("pswp"u8) ||
        (key.StartsWith("pg"u8) && key[2..].IndexOf("fault"u8) >= 0);

    private (string Name, string Description) MetricName(string field)
    {
        if (!_metricNames.TryGetValue(field, out var metric))
        {
            metric = ("node_vmstat_" + field, $"/proc/vmstat information field {field}.");
            _metricNames.Add(field, metric);
        }

        return metric;
    }

    /// <summary>/proc/swaps: "Filename Type Size Used Priority", sizes in KiB.</summary>
    private void ScrapeSwaps(HostMetricWriter writer)
    {
        if (!writer.TryRead(_swaps, out var content))
        {
            return;
        }

        bool header = true;
        foreach (var line in new SpanLines(content))
        {
            if (header || line.IsEmpty)
            {
                header = false;
                continue;
            }

            var fields = new SpanFields(line);
            if (!fields.TryNext(out var device) || !fields.Skip(1) || !fields.TryNextUInt64(out ulong size) || !fields.TryNextUInt64(out ulong used) || used > size)
            {
                writer.Fail($"{_swaps}: a line is not \"Filename Type Size Used Priority\"");
                continue;
            }

            string name = Strings.Get(device);
            writer.UpDownCounter("system.paging.usage", "By", "Swap bytes in use and free.", used * 1024.0, ("device", name), ("state", "used"));
            writer.UpDownCounter("system.paging.usage", "By", "Swap bytes in use and free.", (size - used) * 1024.0, ("device", name), ("state", "free"));
        }
    }

    /// <summary>The /proc/vmstat fields of the Collector's paging metrics.</summary>
    private struct OtelCounters
    {
        private ulong _pageIn;
        private ulong _pageOut;
        private ulong _swapIn;
        private ulong _swapOut;
        private ulong _faults;
        private ulong _majorFaults;

        public static bool Wants(ReadOnlySpan<byte> key) =>
            key.SequenceEqual("pgpgin"u8) || key.SequenceEqual("pgpgout"u8) || key.SequenceEqual("pswpin"u8) ||
            key.SequenceEqual("pswpout"u8) || key.SequenceEqual("pgfault"u8) || key.SequenceEqual("pgmajfault"u8);

        public void Take(ReadOnlySpan<byte> key, ulong value)
        {
            if (key.SequenceEqual("pgpgin"u8))
            {
                _pageIn = value;
            }
            else if (key.SequenceEqual("pgpgout"u8))
            {
                _pageOut = value;
            }
            else if (key.SequenceEqual("pswpin"u8))
            {
                _swapIn = value;
            }
            else if (key.SequenceEqual("pswpout"u8))
            {
                _swapOut = value;
            }
            else if (key.SequenceEqual("pgfault"u8))
            {
                _faults = value;
            }
            else
            {
                _majorFaults = value;
            }
        }

        public readonly void Write(HostMetricWriter writer)
        {
            const string Operations = "system.paging.operations";
            const string Description = "Paging operations: swap (major) and page cache (minor) traffic.";
            writer.Counter(Operations, "{operation}", Description, _swapIn, ("direction", "page_in"), ("type", "major"));
            writer.Counter(Operations, "{operation}", Description, _swapOut, ("direction", "page_out"), ("type", "major"));
            writer.Counter(Operations, "{operation}", Description, _pageIn, ("direction", "page_in"), ("type", "minor"));
            writer.Counter(Operations, "{operation}", Description, _pageOut, ("direction", "page_out"), ("type", "minor"));
            writer.Counter("system.paging.faults", "{fault}", "Page faults.", _majorFaults, ("type", "major"));
            writer.Counter("system.paging.faults", "{fault}", "Page faults.", _faults - Math.Min(_faults, _majorFaults), ("type", "minor"));
        }
    }
}
