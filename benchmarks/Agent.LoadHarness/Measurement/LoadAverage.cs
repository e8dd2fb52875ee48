using System.Globalization;

namespace Agent.LoadHarness.Measurement;

/// <summary>The machine's 1-minute load average: a figure taken while other work ran is not a clean figure.</summary>
internal static class LoadAverage
{
    public static double OneMinute() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>The 1, 5 and 15-minute load averages as the kernel prints them.</summary>
    public static string All() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
