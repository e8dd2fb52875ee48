using System.Diagnostics;

namespace Agent.LoadHarness.Measurement;

/// <summary>CPU time a process used over a wall-clock window, as a percentage of one core.</summary>
internal readonly struct CpuWindow
{
    private readonly int _pid;
    private readonly TimeSpan _cpuAtStart;
    private readonly long _startTimestamp;

    private CpuWindow(int pid)
    {
        _pid = pid;
        _cpuAtStart = ProcStats.CpuTime(pid);
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    public static CpuWindow Start(int pid) => new(pid);

    public (TimeSpan Cpu, TimeSpan Wall) Elapsed() =>
        (ProcStats.CpuTime(_pid) - _cpuAtStart, Stopwatch.GetElapsedTime(_startTimestamp));

    public static double PercentOfCore(TimeSpan cpu, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? 0 : cpu.TotalSeconds / wall.TotalSeconds * 100;
}
