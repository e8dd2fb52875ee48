using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

/// <summary>
/// The lines a tailer read wait in the exporter's queue as an encoded push, not as the raw chunk: the chunk's pooled
/// buffers go back as soon as the push is encoded, while its delivery is still pending.
/// </summary>
public class LokiChunkReleaseTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_chunk_is_given_back_once_encoded_not_once_delivered()
    {
        await using var loki = await FakeLoki.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loki.HoldUntil(_ => true, release.Task);
        var (exporter, _) = await StartAsync(Options(loki));
        var chunk = Chunk(PodResource(), new RawLine(BaseTime, "kept as bytes"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);

        await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);
        await loki.Held;

        Assert.Equal(0, chunk.Count);
        Assert.False(notifier.Completion.IsCompleted);
        release.SetResult();
        Assert.Equal(DeliveryStatus.Delivered, await notifier.Completion);
        Assert.Equal(["kept as bytes"], loki.Entries.Select(e => e.Line));
        await exporter.ShutdownAsync(CancellationToken.None);
    }
}
