using System.Text;
using Agent.Core.Model;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>The lag gauges on a real file: they rise while the pipeline holds batches back and return to 0 once it acknowledges them.</summary>
public class TailingLagTests
{
    private const string Receiver = "filelog/lag";

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Unacknowledged_bytes_rise_while_the_pipeline_holds_batches_and_return_to_zero_once_it_acknowledges()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "ns_pod_u1", "c");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, "0.log");
        var consumer = new RecordingConsumer<LogsBatch> { Hold = true };
        await harness.StartAsync(consumer, name: "lag");

        // Far more than the two 4 KiB batches the window lets out while the consumer holds them.
        var lines = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            lines.Append("2024-01-01T12:00:00Z stdout F line number ").Append(i).Append('\n');
        }

        await File.WriteAllTextAsync(file, lines.ToString());
        long size = new FileInfo(file).Length;

        await Eventually.UntilAsync(
            () => SelfMetrics.Value("agent_receiver_unacknowledged_bytes", ("receiver", Receiver)) == size &&
                SelfMetrics.Value("agent_receiver_unread_bytes", ("receiver", Receiver)) is > 0 and var unread && unread < size,
            "every byte to count as unacknowledged, and only what the held batches took as read");
        Assert.Equal(1, SelfMetrics.Value("agent_receiver_files_tailed", ("receiver", Receiver)));

        consumer.Hold = false;
        await Eventually.UntilAsync(
            () =>
            {
                // Again each time: a batch taken just as holding stopped may still be held.
                consumer.ReleaseHeld();
                return SelfMetrics.Value("agent_receiver_unacknowledged_bytes", ("receiver", Receiver)) == 0 &&
                    SelfMetrics.Value("agent_receiver_unread_bytes", ("receiver", Receiver)) == 0;
            },
            "the gauges to return to 0 once every batch was acknowledged");
        Assert.Equal(1, SelfMetrics.Value("agent_receiver_files_tailed", ("receiver", Receiver)));
    }
}
