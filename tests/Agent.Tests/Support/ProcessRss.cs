using System.Globalization;

namespace Agent.Tests.Support;

/// <summary>A process's resident set size as the kernel reports it (<c>VmRSS</c> in <c>/proc/PID/status</c>).</summary>
internal static class ProcessRss
{
    public static long Mib(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }
}

/// <summary>The highest RSS of a process, read every 50 ms on a timer of its own.</summary>
internal sealed class PeakRss : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakRss(int pid) => _timer = new Timer(_ => Observe(pid), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

    public long Mib => Interlocked.Read(ref _peak);

    public void Dispose() => _timer.Dispose();

    private void Observe(int pid)
    {
        try
        {
            long rss = ProcessRss.Mib(pid);
            long seen;
            while (rss > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, rss, seen) != seen)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The process ended: the assertions that follow say why.
        }
    }
}
