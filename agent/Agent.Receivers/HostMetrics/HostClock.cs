using System.Buffers.Text;
using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// Time stamps for host metrics: now, and the start of every cumulative sum, which is the host's boot (the
/// <c>btime</c> line of /proc/stat, read once), as the Collector's hostmetrics does; the receiver's start when the
/// file says nothing usable. A boot after now is unusable too: every sum would start after its own time stamp, which
/// a backend refuses.
/// </summary>
internal sealed class HostClock(string rootPath, TimeProvider time)
{
    private ulong _bootTimeUnixNano;

    public ulong BootTimeUnixNano => _bootTimeUnixNano != 0 ? _bootTimeUnixNano : _bootTimeUnixNano = ReadBootTime();

    public ulong NowUnixNano() => ToUnixNano(time.GetUtcNow());

    private ulong ReadBootTime()
    {
        ulong now = NowUnixNano();
        var files = new ProcFileReader();
        if (files.TryRead(Path.Join(rootPath, "proc/stat"), out var content, out _))
        {
            foreach (var line in new SpanLines(content))
            {
                if (line.StartsWith("btime "u8) && Utf8Parser.TryParse(line[6..].Trim((byte)' '), out ulong seconds, out _) &&
                    seconds > 0 && seconds <= now / 1_000_000_000UL)
                {
                    return seconds * 1_000_000_000UL;
                }
            }
        }

        return now;
    }

    private static ulong ToUnixNano(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100UL;
}
