using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Loki;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

/// <summary>Loki's pushes through the exporter helper: keyed by stream, encoded once, sharded over the consumers.</summary>
public sealed class LokiShardingTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_stream_keeps_its_order_while_another_stream_goes_in_parallel()
    {
        await using var loki = await FakeLoki.StartAsync();
        var options = Options(loki);
        var (held, free) = TwoPodsInDifferentShards(options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loki.HoldUntil(streams => streams.Any(s => s.Entries.Any(e => e.Line == "held 1")), release.Task);
        var (exporter, _) = await StartAsync(options);

        var heldFirst = Send(exporter, held, "held 1", 0);
        var freeFirst = Send(exporter, free, "free 1", 1);
        var heldSecond = Send(exporter, held, "held 2", 2);
        var freeSecond = Send(exporter, free, "free 2", 3);
        await loki.Held;

        // The other shard's stream is delivered while the first push of the held stream hangs, and the held
        // stream's second push waits behind it.
        Assert.Equal(DeliveryStatus.Delivered, await (await freeFirst).Outcome());
        Assert.Equal(DeliveryStatus.Delivered, await (await freeSecond).Outcome());
        Assert.False((await heldSecond).IsCompleted);
        Assert.DoesNotContain(loki.Entries, entry => entry.Line.StartsWith("held", StringComparison.Ordinal));

        release.SetResult();
        Assert.Equal(DeliveryStatus.Delivered, await (await heldFirst).Outcome());
        Assert.Equal(DeliveryStatus.Delivered, await (await heldSecond).Outcome());
        Assert.Equal(["free 1", "free 2", "held 1", "held 2"], loki.Entries.Select(entry => entry.Line));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_retried_push_resends_the_bytes_of_its_first_attempt()
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(2, 429, retryAfter: "0");
        var (exporter, name) = await StartAsync(Options(loki));
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "a"), new RawLine(BaseTime + 1, "b", Severity: 17));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        // Two streams (by level), each its own shard or sharing one; every 429 is followed by the same bytes.
        var requests = loki.Requests;
        Assert.Equal(2, requests.Count(r => r.Status == 429));
        foreach (var failed in requests.Where(r => r.Status == 429))
        {
            Assert.Contains(requests, r => r.Status == 204 && r.Body.AsSpan().SequenceEqual(failed.Body));
        }

        Assert.Equal(2, SelfMetrics.SentValue(name, Signal.Logs));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact]
    public void Pushes_never_mix_shards_and_streams_of_one_shard_share_a_push()
    {
        var options = new LokiExporterOptions { Endpoint = "http://loki:3100" };
        var batch = new LogsBatch();
        var chunks = Enumerable.Range(0, 12).Select(i => Chunk(PodResource(pod: $"pod-{i}"), new RawLine(BaseTime + i, $"line {i}"))).ToList();
        batch.Raw.AddRange(chunks);
        var partitioner = new RequestPartitioner(3);
        using var builder = new LokiRequestBuilder(new LokiLabelMapper(options), options);

        builder.Plan(batch, partitioner);
        var shards = new List<int>();
        int entries = 0;
        while (builder.TryBuildNext(out var push))
        {
            var streams = FakeLokiDecoding.Decode(push.ContentType, null, push.Body.ToArray());
            var streamShards = streams.Select(s => partitioner.ShardOf(RequestPartitioner.KeyOf(null, s.Selector))).Distinct().ToList();
            Assert.Equal(partitioner.ShardOf(push.Key), Assert.Single(streamShards));
            shards.Add(streamShards[0]);
            entries += push.Entries;
        }

        Assert.Equal(12, entries);
        Assert.Equal(shards.Distinct().Count(), shards.Count);
        Assert.True(shards.Count > 1, "twelve streams should spread over more than one of three shards");
        chunks.ForEach(chunk => chunk.Dispose());
    }

    /// <summary>Two pods whose streams land in different shards for <paramref name="options"/>' consumer count.</summary>
    private static (string Held, string Free) TwoPodsInDifferentShards(LokiExporterOptions options)
    {
        var partitioner = new RequestPartitioner(options.SendingQueue.NumConsumers);
        int ShardOf(string pod)
        {
            using var chunk = Chunk(PodResource(pod: pod), new RawLine(BaseTime, "probe"));
            var batch = new LogsBatch();
            batch.Raw.Add(chunk);
            return partitioner.ShardOf(Assert.Single(LokiRequestBuilderTests.Encode(options, batch)).Key);
        }

        int first = ShardOf("pod-0");
        string other = Enumerable.Range(1, 64).Select(i => $"pod-{i}").First(pod => ShardOf(pod) != first);
        return ("pod-0", other);
    }

    private static async Task<BatchNotifier> Send(LokiExporter exporter, string pod, string line, int offset)
    {
        var chunk = Chunk(PodResource(pod: pod), new RawLine(BaseTime + offset, line));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        _ = notifier.Completion.ContinueWith(_ => chunk.Dispose(), TaskScheduler.Default);
        await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);
        return notifier;
    }
}
