using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// The labels of node_exporter's <c>node_disk_info</c> from udev's database, <c>/run/udev/data/b&lt;major&gt;:&lt;minor&gt;</c>
/// (lines <c>E:KEY=value</c>): <c>path</c> = ID_PATH, <c>wwn</c> = ID_WWN, <c>model</c> = ID_MODEL, <c>serial</c> =
/// SCSI_IDENT_SERIAL else ID_SERIAL_SHORT, <c>revision</c> = ID_REVISION. A device udev has no file for (no udev on
/// the host, a virtual disk) gets empty labels, as from node_exporter; a file that cannot be read is counted.
/// </summary>
internal sealed class UdevDiskProperties(string dataDirectory)
{
    // Its own buffer: the disk scraper is still walking /proc/diskstats in the shared one.
    private readonly ProcFileReader _files = new();
    private readonly Utf8Strings _strings = new();
    private readonly Dictionary<(ulong, ulong), (string Major, string Minor, string Path)> _devices = [];

    public readonly record struct Labels(string Major, string Minor, string Path, string Wwn, string Model, string Serial, string Revision);

    public Labels Read(HostMetricWriter writer, ulong major, ulong minor)
    {
        if (!_devices.TryGetValue((major, minor), out var device))
        {
            string majorText = major.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string minorText = minor.ToString(System.Globalization.CultureInfo.InvariantCulture);
            device = (majorText, minorText, System.IO.Path.Join(dataDirectory, $"b{majorText}:{minorText}"));
            _devices[(major, minor)] = device;
        }

        string path = string.Empty, wwn = string.Empty, model = string.Empty, serial = string.Empty, shortSerial = string.Empty, revision = string.Empty;
        if (!System.IO.Path.Exists(device.Path))
        {
            return new Labels(device.Major, device.Minor, path, wwn, model, serial, revision);
        }

        if (!_files.TryRead(device.Path, out var content, out string? error))
        {
            writer.Fail(error!);
        }

        foreach (var line in new SpanLines(content))
        {
            if (!line.StartsWith("E:"u8))
            {
                continue;
            }

            int equals = line.IndexOf((byte)'=');
            if (equals < 0)
            {
                continue;
            }

            var key = line[2..equals];
            var value = line[(equals + 1)..];
            if (key.SequenceEqual("ID_PATH"u8))
            {
                path = _strings.Get(value);
            }
            else if (key.SequenceEqual("ID_WWN"u8))
            {
                wwn = _strings.Get(value);
            }
            else if (key.SequenceEqual("ID_MODEL"u8))
            {
                model = _strings.Get(value);
            }
            else if (key.SequenceEqual("SCSI_IDENT_SERIAL"u8))
            {
                serial = _strings.Get(value);
            }
            else if (key.SequenceEqual("ID_SERIAL_SHORT"u8))
            {
                shortSerial = _strings.Get(value);
            }
            else if (key.SequenceEqual("ID_REVISION"u8))
            {
                revision = _strings.Get(value);
            }
        }

        return new Labels(device.Major, device.Minor, path, wwn, model, serial.Length > 0 ? serial : shortSerial, revision);
    }
}
