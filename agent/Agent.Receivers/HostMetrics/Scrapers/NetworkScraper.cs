using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Interface counters from /proc/net/dev: node_exporter's netdev collector (sixteen counters per device, plus
/// <c>node_network_receive_nohandler_total</c> from /sys/class/net, which node_exporter 1.5 reads over netlink)
/// or the semantic conventions' <c>system.network.*</c> by device and direction.
/// </summary>
internal sealed class NetworkScraper : HostScraper
{
    // The sixteen columns of /proc/net/dev, in order, as node_exporter names them.
    private static readonly string[] PrometheusNames =
    [
        "node_network_receive_bytes_total", "node_network_receive_packets_total", "node_network_receive_errs_total",
        "node_network_receive_drop_total", "node_network_receive_fifo_total", "node_network_receive_frame_total",
        "node_network_receive_compressed_total", "node_network_receive_multicast_total",
        "node_network_transmit_bytes_total", "node_network_transmit_packets_total", "node_network_transmit_errs_total",
        "node_network_transmit_drop_total", "node_network_transmit_fifo_total", "node_network_transmit_colls_total",
        "node_network_transmit_carrier_total", "node_network_transmit_compressed_total",
    ];

    private static readonly string[] PrometheusDescriptions =
        [.. PrometheusNames.Select(name => $"Network device statistic {name["node_network_".Length..^"_total".Length]}.")];

    private const int Columns = 16;
    private const int TransmitOffset = 8;

    private readonly string _netdev;
    private readonly string _sysClassNet;
    private readonly NameFilter _interfaces;
    private readonly Dictionary<string, string> _nohandlerPaths = new(StringComparer.Ordinal);

    // The devices read and their sixteen values each, copied out of the file buffer that the sysfs reads reuse.
    private readonly List<string> _devices = [];
    private readonly List<ulong> _table = [];

    public NetworkScraper(HostScraperSettings settings, NetworkScraperOptions options)
        : base("network", settings, options)
    {
        _netdev = settings.PathOf("proc/net/dev");
        _sysClassNet = settings.PathOf("sys/class/net");
        _interfaces = NameFilter.Create(options.Include, options.Exclude);
    }

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!writer.TryRead(_netdev, out var content))
        {
            return;
        }

        Span<ulong> values = stackalloc ulong[Columns];
        _devices.Clear();
        _table.Clear();
        foreach (var line in new SpanLines(content))
        {
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                // The two header lines, and a blank last line.
                continue;
            }

            var fields = new SpanFields(line[(colon + 1)..]);
            int count = 0;
            while (count < Columns && fields.TryNextUInt64(out values[count]))
            {
                count++;
            }

            if (count < Columns)
            {
                writer.Fail($"{_netdev}: a line has {count} values, expected {Columns}");
                continue;
            }

            string device = Strings.Get(line[..colon].Trim(" \t"u8));
            if (_interfaces.Allows(device))
            {
                _devices.Add(device);
                _table.AddRange(values);
            }
        }

        for (int i = 0; i < _devices.Count; i++)
        {
            var row = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_table).Slice(i * Columns, Columns);
            if (Prometheus)
            {
                WritePrometheus(writer, _devices[i], row);
            }
            else
            {
                WriteOtel(writer, _devices[i], row);
            }
        }
    }

    private void WritePrometheus(HostMetricWriter writer, string device, ReadOnlySpan<ulong> values)
    {
        for (int i = 0; i < Columns; i++)
        {
            writer.Counter(PrometheusNames[i], i is 0 or TransmitOffset ? "By" : string.Empty, PrometheusDescriptions[i], values[i], ("device", device));
        }

        // Kernels before 4.6 have no such counter: a missing file is not an error.
        string path = NohandlerPath(device);
        if (File.Exists(path) && writer.TryRead(path, out var content))
        {
            if (new SpanFields(content).TryNextUInt64(out ulong nohandler))
            {
                writer.Counter("node_network_receive_nohandler_total", string.Empty, "Network device statistic receive_nohandler.", nohandler, ("device", device));
            }
            else
            {
                writer.Fail($"{path}: not a number");
            }
        }
    }

    private static void WriteOtel(HostMetricWriter writer, string device, ReadOnlySpan<ulong> v)
    {
        Directions(writer, "system.network.io", "By", "Bytes received and transmitted.", device, v[0], v[TransmitOffset]);
        Directions(writer, "system.network.packets", "{packet}", "Packets received and transmitted.", device, v[1], v[TransmitOffset + 1]);
        Directions(writer, "system.network.errors", "{error}", "Receive and transmit errors.", device, v[2], v[TransmitOffset + 2]);
        Directions(writer, "system.network.dropped", "{packet}", "Packets dropped on receive and transmit.", device, v[3], v[TransmitOffset + 3]);
    }

    private static void Directions(HostMetricWriter writer, string name, string unit, string description, string device, double received, double transmitted)
    {
        writer.Counter(name, unit, description, received, ("device", device), ("direction", "receive"));
        writer.Counter(name, unit, description, transmitted, ("device", device), ("direction", "transmit"));
    }

    private string NohandlerPath(string device)
    {
        if (!_nohandlerPaths.TryGetValue(device, out string? path))
        {
            path = Path.Join(_sysClassNet, device, "statistics/rx_nohandler");
            _nohandlerPaths.Add(device, path);
        }

        return path;
    }
}
