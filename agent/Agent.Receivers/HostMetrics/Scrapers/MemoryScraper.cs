using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// /proc/meminfo: every field as node_exporter's meminfo collector names it (<c>node_memory_MemAvailable_bytes</c>,
/// <c>Active(anon)</c> → <c>node_memory_Active_anon_bytes</c>, fields without a unit keep no suffix:
/// <c>node_memory_HugePages_Total</c>), or the semantic conventions' <c>system.memory.usage</c> by state, computed
/// as the Collector does (cached includes SReclaimable; used = total − free − buffers − cached).
/// </summary>
internal sealed class MemoryScraper(HostScraperSettings settings, HostScraperOptions options) : HostScraper("memory", settings, options)
{
    private readonly string _meminfo = settings.PathOf("proc/meminfo");

    // Field name → metric name, built once per field.
    private readonly Dictionary<string, (string Name, string Description)> _metricNames = new(StringComparer.Ordinal);

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!writer.TryRead(_meminfo, out var content))
        {
            return;
        }

        var usage = new OtelUsage();
        foreach (var line in new SpanLines(content))
        {
            int colon = line.IndexOf((byte)':');
            if (line.IsEmpty)
            {
                continue;
            }

            var fields = new SpanFields(colon < 0 ? default : line[(colon + 1)..]);
            if (colon <= 0 || !fields.TryNextUInt64(out ulong value))
            {
                writer.Fail($"{_meminfo}: a line is not \"Field: value [kB]\"");
                continue;
            }

            bool kilobytes = fields.TryNext(out var unit) && unit.SequenceEqual("kB"u8);
            double amount = kilobytes ? value * 1024.0 : value;
            string field = Strings.Get(line[..colon]);
            if (Prometheus)
            {
                var (name, description) = MetricName(field, kilobytes);
                writer.Gauge(name, kilobytes ? "By" : string.Empty, description, amount);
            }
            else
            {
                usage.Take(field, amount);
            }
        }

        if (!Prometheus)
        {
            usage.Write(writer);
        }
    }

    private (string Name, string Description) MetricName(string field, bool bytes)
    {
        if (!_metricNames.TryGetValue(field, out var metric))
        {
            // As node_exporter: "Active(anon)" → "Active_anon", a kB value gets "_bytes".
            string key = field.Replace("(", "_", StringComparison.Ordinal).Replace(")", string.Empty, StringComparison.Ordinal) + (bytes ? "_bytes" : string.Empty);
            metric = ("node_memory_" + key, $"Memory information field {key}.");
            _metricNames.Add(field, metric);
        }

        return metric;
    }

    /// <summary>The fields <c>system.memory.usage</c> is computed from.</summary>
    private struct OtelUsage
    {
        private double _total;
        private double _free;
        private double _buffers;
        private double _cached;
        private double _reclaimable;
        private double _unreclaimable;

        public void Take(string field, double bytes)
        {
            switch (field)
            {
                case "MemTotal": _total = bytes; break;
                case "MemFree": _free = bytes; break;
                case "Buffers": _buffers = bytes; break;
                case "Cached": _cached = bytes; break;
                case "SReclaimable": _reclaimable = bytes; break;
                case "SUnreclaim": _unreclaimable = bytes; break;
            }
        }

        public readonly void Write(HostMetricWriter writer)
        {
            const string Name = "system.memory.usage";
            const string Description = "Bytes of memory in use, by state.";
            double cached = _cached + _reclaimable;
            writer.UpDownCounter(Name, "By", Description, _total - _free - _buffers - cached, ("state", "used"));
            writer.UpDownCounter(Name, "By", Description, _free, ("state", "free"));
            writer.UpDownCounter(Name, "By", Description, _buffers, ("state", "buffered"));
            writer.UpDownCounter(Name, "By", Description, cached, ("state", "cached"));
            writer.UpDownCounter(Name, "By", Description, _reclaimable, ("state", "slab_reclaimable"));
            writer.UpDownCounter(Name, "By", Description, _unreclaimable, ("state", "slab_unreclaimable"));
        }
    }
}
