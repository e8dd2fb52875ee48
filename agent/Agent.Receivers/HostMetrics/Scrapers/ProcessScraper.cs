using System.IO.Enumeration;
using Agent.Receivers.HostMetrics.ProcFs;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// The Collector's per-process scraper: one resource per process (<c>process.pid</c>, <c>process.executable.*</c>,
/// <c>process.command*</c>, <c>process.owner</c>) with its CPU time, memory, disk I/O and, when switched on, threads,
/// open descriptors and context switches, read from <c>/proc/&lt;pid&gt;/</c>. A process that exits while it is read
/// is left out without error; that is what processes do. A process whose name passes the filters but whose
/// executable link cannot be read (kernel threads; other users' processes without privileges) is left out and
/// counted once per process, unless muted, as its owner and its I/O counters are.
/// </summary>
internal sealed class ProcessScraper : HostScraper
{
    private const double TicksPerSecond = 100;
    private const ulong NanosPerTick = 10_000_000;

    private readonly string _proc;
    private readonly ProcessScraperOptions _options;
    private readonly PasswdUsers _users;
    private readonly ProcessMetadata _metadata;
    private readonly ulong _pageBytes = (ulong)Environment.SystemPageSize;
    private readonly Dictionary<long, ProcessEntry> _entries = [];
    private readonly List<long> _pids = [];
    private readonly HostClock _clock;
    private long _scrapes;

    public ProcessScraper(HostScraperSettings settings, ProcessScraperOptions options)
        : base("process", settings, options)
    {
        _proc = settings.PathOf("proc");
        _options = options;
        _users = new PasswdUsers(settings.PathOf("etc/passwd"));
        _metadata = new ProcessMetadata(Files, NameFilter.Create(options.Include, options.Exclude), _users, options);
        _clock = settings.Clock;
    }

    /// <summary>Reading another process's command line waits on its memory map lock, which a stuck process can hold.</summary>
    protected override bool MayHang => true;

    internal override void Scrape(HostMetricWriter writer)
    {
        if (!TryListPids(writer))
        {
            return;
        }

        _users.Refresh();
        long scrape = ++_scrapes;
        foreach (long pid in _pids)
        {
            if (!_entries.TryGetValue(pid, out var entry))
            {
                entry = new ProcessEntry(Path.Join(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)), pid);
                _entries.Add(pid, entry);
            }

            entry.SeenIn = scrape;
            ScrapeProcess(writer, entry);
        }

        foreach (var (pid, entry) in _entries)
        {
            if (entry.SeenIn != scrape)
            {
                _entries.Remove(pid);
            }
        }
    }

    private bool TryListPids(HostMetricWriter writer)
    {
        _pids.Clear();
        try
        {
            var pids = new FileSystemEnumerable<long>(_proc, static (ref FileSystemEntry entry) => long.Parse(entry.FileName, System.Globalization.CultureInfo.InvariantCulture))
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory && IsPid(entry.FileName),
            };
            _pids.AddRange(pids);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writer.Fail($"{_proc}: {ex.Message}");
            return false;
        }
    }

    private static bool IsPid(ReadOnlySpan<char> name) => name.Length is > 0 and < 11 && !name.ContainsAnyExceptInRange('0', '9');

    internal void ScrapeProcess(HostMetricWriter writer, ProcessEntry entry)
    {
        if (!Files.TryRead(entry.Stat, out var content, out string? error))
        {
            FailUnlessGone(writer, entry, error!, _options.MuteProcessNameError);
            return;
        }

        if (!ProcessStat.TryParse(content, out var stat))
        {
            writer.Fail($"{entry.Stat}: not the fields of proc(5)");
            return;
        }

        // Copied out of the file buffer, which the next read reuses.
        var sample = new ProcessSample(stat);
        if (entry.MetadataOf != stat.StartTicks && !_metadata.TryRead(writer, entry, Strings.Get(stat.Comm), stat.StartTicks))
        {
            return;
        }

        if (!entry.Included || !ReadOptional(writer, entry, ref sample))
        {
            return;
        }

        writer.StartResource(ResourceOf(entry, sample.ParentPid), _clock.BootTimeUnixNano + (sample.StartTicks * NanosPerTick));
        Write(writer, sample);
    }

    /// <summary>The files read only for the metrics that need them; false when the process has exited meanwhile.</summary>
    private bool ReadOptional(HostMetricWriter writer, ProcessEntry entry, ref ProcessSample sample)
    {
        if (writer.Enabled("process.disk.io"))
        {
            if (Files.TryRead(entry.Io, out var io, out string? error))
            {
                sample.HasIo = TryIo(io, out sample.ReadBytes, out sample.WrittenBytes);
                if (!sample.HasIo)
                {
                    writer.Fail($"{entry.Io}: no read_bytes and write_bytes");
                }
            }
            else if (FailUnlessGone(writer, entry, error!, _options.MuteProcessIoError))
            {
                return false;
            }
        }

        if (writer.Enabled("process.context_switches"))
        {
            if (Files.TryRead(entry.Status, out var status, out string? error))
            {
                sample.HasSwitches = TryContextSwitches(status, out sample.Voluntary, out sample.Involuntary);
                if (!sample.HasSwitches)
                {
                    writer.Fail($"{entry.Status}: no voluntary_ctxt_switches and nonvoluntary_ctxt_switches");
                }
            }
            else if (FailUnlessGone(writer, entry, error!, mute: false))
            {
                return false;
            }
        }

        if (writer.Enabled("process.open_file_descriptors"))
        {
            if (TryCountDescriptors(entry.Fd, out sample.Descriptors, out string? error))
            {
                sample.HasDescriptors = true;
            }
            else if (FailUnlessGone(writer, entry, error!, mute: false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the process has exited (nothing counted); else counts the failure unless muted.</summary>
    internal static bool FailUnlessGone(HostMetricWriter writer, ProcessEntry entry, string error, bool mute)
    {
        if (!System.IO.Directory.Exists(entry.Directory))
        {
            return true;
        }

        if (!mute)
        {
            writer.Fail(error);
        }

        return false;
    }

    private void Write(HostMetricWriter writer, in ProcessSample sample)
    {
        writer.Counter("process.cpu.time", "s", "CPU seconds of the process, by state.", sample.UserTicks / TicksPerSecond, ("state", "user"));
        writer.Counter("process.cpu.time", "s", "CPU seconds of the process, by state.", sample.SystemTicks / TicksPerSecond, ("state", "system"));
        writer.UpDownCounter("process.memory.usage", "By", "Resident memory of the process (RSS).", sample.ResidentPages * (double)_pageBytes);
        writer.UpDownCounter("process.memory.virtual", "By", "Virtual memory of the process.", sample.VirtualBytes);
        writer.UpDownCounter("process.threads", "{thread}", "Threads of the process.", sample.Threads);
        if (sample.HasIo)
        {
            writer.Counter("process.disk.io", "By", "Bytes the process read from and wrote to storage.", sample.ReadBytes, ("direction", "read"));
            writer.Counter("process.disk.io", "By", "Bytes the process read from and wrote to storage.", sample.WrittenBytes, ("direction", "write"));
        }

        if (sample.HasSwitches)
        {
            writer.Counter("process.context_switches", "{context_switch}", "Context switches of the process, by type.", sample.Voluntary, ("context_switch_type", "voluntary"));
            writer.Counter("process.context_switches", "{context_switch}", "Context switches of the process, by type.", sample.Involuntary, ("context_switch_type", "involuntary"));
        }

        if (sample.HasDescriptors)
        {
            writer.UpDownCounter("process.open_file_descriptors", "{file_descriptor}", "File descriptors the process has open.", sample.Descriptors);
        }
    }

    private static Resource ResourceOf(ProcessEntry entry, ulong parentPid)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "process.pid", Value = new AnyValue { IntValue = entry.Pid } });
        resource.Attributes.Add(new KeyValue { Key = "process.parent_pid", Value = new AnyValue { IntValue = (long)parentPid } });
        resource.Attributes.Add(Text("process.executable.name", entry.Name));
        resource.Attributes.Add(Text("process.executable.path", entry.ExecutablePath));
        resource.Attributes.Add(Text("process.command", entry.Command));
        resource.Attributes.Add(Text("process.command_line", entry.CommandLine));
        if (entry.Owner is not null)
        {
            resource.Attributes.Add(Text("process.owner", entry.Owner));
        }

        return resource;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static bool TryIo(ReadOnlySpan<byte> content, out ulong read, out ulong written)
    {
        bool hasRead = TryKeyed(content, "read_bytes:"u8, out read);
        return TryKeyed(content, "write_bytes:"u8, out written) && hasRead;
    }

    private static bool TryContextSwitches(ReadOnlySpan<byte> content, out ulong voluntary, out ulong involuntary)
    {
        bool hasVoluntary = TryKeyed(content, "voluntary_ctxt_switches:"u8, out voluntary);
        return TryKeyed(content, "nonvoluntary_ctxt_switches:"u8, out involuntary) && hasVoluntary;
    }

    /// <summary>The number after <paramref name="key"/> on the line that starts with it (<c>key: 123</c>).</summary>
    internal static bool TryKeyed(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key, out ulong value)
    {
        foreach (var line in new SpanLines(content))
        {
            if (line.StartsWith(key))
            {
                return new SpanFields(line[key.Length..]).TryNextUInt64(out value);
            }
        }

        value = 0;
        return false;
    }

    private static bool TryCountDescriptors(string fd, out int count, out string? error)
    {
        count = 0;
        try
        {
            foreach (byte unused in new FileSystemEnumerable<byte>(fd, static (ref FileSystemEntry _) => 0))
            {
                count++;
            }

            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{fd}: {ex.Message}";
            return false;
        }
    }
}
