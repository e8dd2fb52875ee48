using System.Globalization;

namespace Agent.LoadHarness.Measurement;

/// <summary>The machine's 1-minute load average: a figure taken while other work ran is not a clean figure.</summary>
internal static class LoadAverage
{
    public static double OneMinute() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
