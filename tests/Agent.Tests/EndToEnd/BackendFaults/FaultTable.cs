using System.Globalization;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>Prints a run's rows in the README's table form and asserts what must hold in every row.</summary>
internal static class FaultTable
{
    public static void Report(ITestOutputHelper output, string path, FaultLedger ledger, IReadOnlyList<long> delivered, IReadOnlyList<PhaseObservation> observations)
    {
        var counts = ledger.Count(delivered);
        output.WriteLine("| path | fault | sent | acknowledged | refused (retryable) | delivered | duplicated | dropped (reason) | acknowledged lost | RSS peak |");
        foreach (var count in counts)
        {
            var seen = observations.FirstOrDefault(o => o.Phase == count.Phase);
            string dropped = seen is null || seen.Dropped.Count == 0 ? "0" : string.Join(", ", seen.Dropped.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Value:N0} ({d.Key})")));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {path} | {count.Phase} | {count.Sent:N0} | {count.Acknowledged:N0} | {count.Refused:N0}{(count.Unanswered > 0 ? $" (+{count.Unanswered} unanswered)" : string.Empty)} | {count.Delivered:N0} | {count.Duplicated:N0} | {dropped} | {count.AcknowledgedLost} | {(seen is null ? "-" : $"{seen.RssPeakMib} MiB")} |"));
        }

        Assert.Empty(ledger.OtherAnswers);
        Assert.All(counts, c => Assert.Equal(0, c.AcknowledgedLost));
        Assert.All(counts, c => Assert.Equal(0, c.RefusedButDelivered));
        Assert.All(observations, o => Assert.Empty(o.Dropped));
    }
}
