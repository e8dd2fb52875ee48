using System.Globalization;

namespace Agent.LoadHarness.Measurement;

/// <summary>
/// The agent's GC totals from its own <c>/metrics</c>: bytes allocated, time paused and collections. Two readings
/// give what a window of load cost the GC, a figure the shared machine's CPU noise does not blur: bytes allocated
/// per item shipped. A peer (Collector, Fluent Bit) has no such metrics and reads as unavailable.
/// </summary>
internal readonly record struct GcReading(double AllocatedBytes, double PauseSeconds, double Collections)
{
    private const string Allocated = "dotnet_gc_allocated_bytes_total";
    private const string Pause = "dotnet_gc_pause_seconds_total";
    private const string CollectionCount = "dotnet_collection_count_total";

    public static GcReading Unavailable { get; } = new(double.NaN, double.NaN, double.NaN);

    public static async Task<GcReading> ReadAsync(AgentBinary binary, int telemetryPort)
    {
        if (binary.Kind != AgentBinary.AgentKind)
        {
            return Unavailable;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetryPort}/metrics")).ConfigureAwait(false);
        return new GcReading(Sum(text, Allocated), Sum(text, Pause), Sum(text, CollectionCount));
    }

    public static GcReading operator -(GcReading end, GcReading start) =>
        new(end.AllocatedBytes - start.AllocatedBytes, end.PauseSeconds - start.PauseSeconds, end.Collections - start.Collections);

    /// <summary>The sum of a metric's samples over its label sets; NaN when the agent does not report it.</summary>
    private static double Sum(string exposition, string name)
    {
        double sum = double.NaN;
        foreach (string line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != ' ' && line[name.Length] != '{'))
            {
                continue;
            }

            int afterLabels = line[name.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) + 1 : name.Length;
            string value = line[afterLabels..].Trim().Split(' ')[0];
            sum = (double.IsNaN(sum) ? 0 : sum) + double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
