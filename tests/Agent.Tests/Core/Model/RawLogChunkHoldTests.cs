using Agent.Core.Consumers;
using Agent.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

/// <summary>A chunk's pooled buffers go back when its last holder lets go, and not before.</summary>
public class RawLogChunkHoldTests
{
    [Fact]
    public void The_buffers_stay_until_the_last_hold_is_released()
    {
        var chunk = RawChunk("svc", 3);
        chunk.Retain(1);

        chunk.Dispose();
        Assert.Equal(3, chunk.Count);
        Assert.False(chunk.Line(chunk.Entries[0]).IsEmpty);

        chunk.Dispose();
        Assert.Equal(0, chunk.Count);
        Assert.Equal(0, chunk.Length);
    }

    [Fact]
    public void A_batch_releases_every_chunk_it_holds()
    {
        var batch = new LogsBatch();
        batch.Raw.AddRange([RawChunk("a", 2), RawChunk("b", 1)]);

        batch.ReleaseData();

        Assert.All(batch.Raw, chunk => Assert.Equal(0, chunk.Count));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Consumers_sharing_one_batch_through_a_fan_out_each_hold_its_chunks()
    {
        // Each consumer reads the lines and lets go, as an exporter does once it has encoded them.
        var seen = new List<int>();
        RecordingConsumer<LogsBatch> Reader() => new(completeWith: null)
        {
            OnConsume = (b, _) =>
            {
                seen.Add(b.Raw[0].Count);
                b.ReleaseData();
                return ValueTask.CompletedTask;
            },
        };
        var batch = new LogsBatch();
        batch.Raw.Add(RawChunk("svc", 4));

        await FanOutConsumer<LogsBatch>.Of([Reader(), Reader(), Reader()]).ConsumeAsync(batch, CancellationToken.None);

        // The first two found the lines intact; the third's release was the last one.
        Assert.Equal([4, 4, 4], seen);
        Assert.Equal(0, batch.Raw[0].Count);
    }
}
