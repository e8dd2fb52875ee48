using System.Diagnostics;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// The durations of answered export calls, kept from the last <see cref="Restart"/> so percentiles cover only the
/// measured window. A few thousand calls a second at most: a locked list is cheap enough and exact.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly Lock _gate = new();
    private List<long> _ticks = new(capacity: 1 << 16);

    public void Record(long startTimestamp)
    {
        long elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        lock (_gate)
        {
            _ticks.Add(elapsed);
        }
    }

    /// <summary>Forgets what was recorded so far (the warm-up).</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _ticks = new List<long>(capacity: _ticks.Count);
        }
    }

    /// <summary>The given percentiles (0–100) in milliseconds, NaN when no call was answered.</summary>
    public double[] PercentilesMs(params double[] percentiles)
    {
        long[] sorted;
        lock (_gate)
        {
            sorted = [.. _ticks];
        }

        Array.Sort(sorted);
        return percentiles.Select(p => sorted.Length == 0 ? double.NaN : ToMs(sorted[Rank(p, sorted.Length)])).ToArray();
    }

    /// <summary>The nearest-rank index of a percentile among <paramref name="count"/> sorted values.</summary>
    private static int Rank(double percentile, int count) =>
        Math.Clamp((int)Math.Ceiling(percentile / 100 * count) - 1, 0, count - 1);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
