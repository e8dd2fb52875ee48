using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Block device I/O from /proc/diskstats (the kernel's iostats: 11 values, 15 with discards, 17 with flushes):
/// node_exporter's diskstats collector or the semantic conventions' <c>system.disk.*</c>. Sectors are 512 bytes
/// whatever the device's own sector size; times are in milliseconds.
/// </summary>
internal sealed class DiskScraper : HostScraper
{
    /// <summary>node_exporter's default device exclusion: RAM disks, loop devices, floppies and partitions.</summary>
    internal const string NodeExporterDefaultExclude = @"^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$";

    private const double SectorBytes = 512;
    private const double Millisecond = 0.001;

    /// <summary>node_exporter's metric per diskstats value, with the factor that turns the value into the unit.</summary>
    private static readonly (string Name, string Unit, double Factor, string Description)[] PrometheusValues =
    [
        ("node_disk_reads_completed_total", "", 1, "Reads completed successfully."),
        ("node_disk_reads_merged_total", "", 1, "Reads merged."),
        ("node_disk_read_bytes_total", "By", SectorBytes, "Bytes read successfully."),
        ("node_disk_read_time_seconds_total", "s", Millisecond, "Seconds spent by all reads."),
        ("node_disk_writes_completed_total", "", 1, "Writes completed successfully."),
        ("node_disk_writes_merged_total", "", 1, "Writes merged."),
        ("node_disk_written_bytes_total", "By", SectorBytes, "Bytes written successfully."),
        ("node_disk_write_time_seconds_total", "s", Millisecond, "Seconds spent by all writes."),
        ("node_disk_io_now", "", 1, "I/Os currently in progress."),
        ("node_disk_io_time_seconds_total", "s", Millisecond, "Seconds spent doing I/Os."),
        ("node_disk_io_time_weighted_seconds_total", "s", Millisecond, "Weighted seconds spent doing I/Os."),
        ("node_disk_discards_completed_total", "", 1, "Discards completed successfully."),
        ("node_disk_discards_merged_total", "", 1, "Discards merged."),
        ("node_disk_discarded_sectors_total", "", 1, "Sectors discarded successfully."),
        ("node_disk_discard_time_seconds_total", "s", Millisecond, "Seconds spent by all discards."),
        ("node_disk_flush_requests_total", "", 1, "Flush requests completed successfully."),
        ("node_disk_flush_requests_time_seconds_total", "s", Millisecond, "Seconds spent by all flush requests."),
    ];

    private const int IoNow = 8;
    private const int MinimumValues = 11;

    private readonly string _diskstats;
    private readonly NameFilter _devices;
    private readonly UdevDiskProperties _udev;

    public DiskScraper(HostScraperSettings settings, DiskScraperOptions options)
        : base("disk", settings, options)
    {
        _diskstats = settings.PathOf("proc/diskstats");
        _udev = new UdevDiskProperties(settings.PathOf("run/udev/data"));
        _devices = options.Include is null && options.Exclude is null && settings.Naming == Scraping.MetricNaming.Prometheus
            ? NameFilter.ExcludingPattern(NodeExporterDefaultExclude)
            : NameFilter.Create(options.Include, options.Exclude);
    }

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!writer.TryRead(_diskstats, out var content))
        {
            return;
        }

        Span<double> values = stackalloc double[PrometheusValues.Length];
        foreach (var line in new SpanLines(content))
        {
            var fields = new SpanFields(line);
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            if (!fields.TryNextUInt64(out ulong major) || !fields.TryNextUInt64(out ulong minor) || !fields.TryNext(out var name))
            {
                writer.Fail($"{_diskstats}: a line has no major, minor and device name");
                continue;
            }

            int count = 0;
            while (count < values.Length && fields.TryNextUInt64(out ulong value))
            {
                values[count++] = value;
            }

            if (count < MinimumValues)
            {
                writer.Fail($"{_diskstats}: a line has {count} values, expected at least {MinimumValues}");
                continue;
            }

            string device = Strings.Get(name);
            if (!_devices.Allows(device))
            {
                continue;
            }

            if (Prometheus)
            {
                WritePrometheus(writer, device, values[..count]);
                WriteInfo(writer, device, _udev.Read(writer, major, minor));
            }
            else
            {
                WriteOtel(writer, device, values);
            }
        }
    }

    private static void WritePrometheus(HostMetricWriter writer, string device, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            var (name, unit, factor, description) = PrometheusValues[i];
            if (i == IoNow)
            {
                writer.Gauge(name, unit, description, values[i], ("device", device));
            }
            else
            {
                writer.Counter(name, unit, description, values[i] * factor, ("device", device));
            }
        }
    }

    /// <summary>node_exporter's <c>node_disk_info</c>: 1, its labels saying which disk a device name is.</summary>
    private static void WriteInfo(HostMetricWriter writer, string device, UdevDiskProperties.Labels labels) => writer.Gauge(
        "node_disk_info",
        string.Empty,
        "Info of /sys/block/<block_device>.",
        1,
        ("device", device),
        ("major", labels.Major),
        ("minor", labels.Minor),
        ("path", labels.Path),
        ("wwn", labels.Wwn),
        ("model", labels.Model),
        ("serial", labels.Serial),
        ("revision", labels.Revision));

    private static void WriteOtel(HostMetricWriter writer, string device, ReadOnlySpan<double> v)
    {
        ReadWrite(writer, "system.disk.io", "By", "Bytes read and written.", device, v[2] * SectorBytes, v[6] * SectorBytes);
        ReadWrite(writer, "system.disk.operations", "{operation}", "Reads and writes completed.", device, v[0], v[4]);
        ReadWrite(writer, "system.disk.merged", "{operation}", "Reads and writes merged.", device, v[1], v[5]);
        ReadWrite(writer, "system.disk.operation_time", "s", "Seconds spent by reads and writes.", device, v[3] * Millisecond, v[7] * Millisecond);
        writer.Counter("system.disk.io_time", "s", "Seconds the device was busy.", v[9] * Millisecond, ("device", device));
        writer.Counter("system.disk.weighted_io_time", "s", "Seconds spent by I/Os, weighted by the number in progress.", v[10] * Millisecond, ("device", device));
        writer.UpDownCounter("system.disk.pending_operations", "{operation}", "I/Os in progress.", v[IoNow], ("device", device));
    }

    private static void ReadWrite(HostMetricWriter writer, string name, string unit, string description, string device, double read, double written)
    {
        writer.Counter(name, unit, description, read, ("device", device), ("direction", "read"));
        writer.Counter(name, unit, description, written, ("device", device), ("direction", "write"));
    }
}
