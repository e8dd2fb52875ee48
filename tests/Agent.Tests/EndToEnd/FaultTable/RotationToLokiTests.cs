using System.Diagnostics;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.FaultTable;

/// <summary>
/// The fault table's rotation row, on the `agent` binary into the Loki stand-in: the kubelet renames a busy
/// container's log every 300 ms and deletes all but the
/// 4 newest rotated files. Every line must reach Loki.
/// </summary>
public sealed class RotationToLokiTests(ITestOutputHelper output)
{
    private const int Keep = 4;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Every_line_reaches_loki_while_the_log_rotates_every_300_ms()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        var container = node.Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false);
        await using var agent = await node.StartAgentAsync(loki);
        var peak = new PeakRss(agent.Id);

        int rotations = await Task.Run(() => WriteAndRotate(container, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300)));
        var received = (await node.WaitForAllAsync(loki, [container], TimeSpan.FromSeconds(60))).Select(e => e.Line).ToList();
        peak.Dispose();

        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        output.WriteLine($"{rotations} rotations in 3 s, {Keep} rotated files kept");
        var row = FaultRow.Of("log rotation every 300 ms (rename, keep 4), pod logs", written, written, received, await FaultRow.DroppedAsync(node.TelemetryPort), peak.Mib);
        row.WriteTo(output);
        Assert.Equal(0, row.AcknowledgedLost);
        Assert.True(rotations >= 5, $"only {rotations} rotations");
    }

    /// <summary>About 1,000 lines/s for <paramref name="duration"/>, rotating every <paramref name="period"/>; returns the rotations.</summary>
    private static int WriteAndRotate(FakeContainer container, TimeSpan duration, TimeSpan period)
    {
        var clock = Stopwatch.StartNew();
        var nextRotation = period;
        int rotations = 0;
        for (int n = 0; clock.Elapsed < duration; n++)
        {
            container.Write(LogStream.Stdout, $"line {n:D6} {new string((char)('a' + (n % 26)), 120)}");
            if (n % 10 == 9)
            {
                Thread.Sleep(10);
            }

            if (clock.Elapsed >= nextRotation)
            {
                container.RotateByRename(lateLines: 0); // late lines would repeat their text, which the count needs unique
                DeleteAllButNewest(container);
                rotations++;
                nextRotation += period;
            }
        }

        return rotations;
    }

    /// <summary>The kubelet's <c>containerLogMaxFiles</c>: rotated files beyond the newest few are deleted.</summary>
    private static void DeleteAllButNewest(FakeContainer container)
    {
        // Not a ".*" search pattern: it matches the live file too.
        string prefix = container.LogPath + ".";
        var rotated = Directory.GetFiles(Path.GetDirectoryName(container.LogPath)!).Where(path => path.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        foreach (string old in rotated.Take(rotated.Count - Keep))
        {
            File.Delete(old);
        }
    }
}
