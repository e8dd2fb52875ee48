using System.Globalization;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.FaultTable;

/// <summary>
/// One row of the README's fault table: what the sources sent and were told was acknowledged (a line the tailer
/// checkpointed past, a request answered 200), what the backend holds, and what was lost of the acknowledged.
/// </summary>
internal sealed record FaultRow(string Fault, int Sent, int Acknowledged, int Delivered, int Duplicated, string Dropped, int AcknowledgedLost, long RssPeakMib)
{
    /// <summary>The drop counters an agent keeps, summed over their labels.</summary>
    private static readonly string[] DropCounters =
    [
        "otelcol_exporter_send_failed_log_records_total",
        "otelcol_exporter_enqueue_failed_log_records_total",
        "otelcol_receiver_refused_log_records_total",
    ];

    /// <summary>Counts a row from the items sent, those acknowledged, and every item the backend received (repeats included).</summary>
    public static FaultRow Of(string fault, IReadOnlyCollection<string> sent, IEnumerable<string> acknowledged, IReadOnlyList<string> received, string dropped, long rssPeakMib)
    {
        var distinct = received.ToHashSet(StringComparer.Ordinal);
        var sentSet = sent.ToHashSet(StringComparer.Ordinal);
        var acknowledgedSet = acknowledged.ToHashSet(StringComparer.Ordinal);
        Assert.Empty(distinct.Where(item => !sentSet.Contains(item)).Take(3)); // the backend holds nothing nobody sent
        return new FaultRow(
            fault,
            sentSet.Count,
            acknowledgedSet.Count,
            distinct.Count,
            received.Count - distinct.Count,
            dropped,
            acknowledgedSet.Count(item => !distinct.Contains(item)),
            rssPeakMib);
    }

    /// <summary>The agent's drop counters that are not zero, with their labels (the reason), or "0".</summary>
    public static async Task<string> DroppedAsync(int telemetryPort)
    {
        var samples = await AgentProcess.MetricSamplesAsync(telemetryPort, name => DropCounters.Contains(name));
        var counted = samples.Where(s => s.Value > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value:0} {s.Name}{{{s.Labels}}}")).ToList();
        return counted.Count == 0 ? "0" : string.Join("; ", counted);
    }

    /// <summary>Prints the row as the README's table has it.</summary>
    public void WriteTo(ITestOutputHelper output) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {Fault} | {Sent:N0} | {Acknowledged:N0} | {Delivered:N0} | {Duplicated:N0} | {Dropped} | {AcknowledgedLost:N0} | {RssPeakMib} MiB |"));
}
