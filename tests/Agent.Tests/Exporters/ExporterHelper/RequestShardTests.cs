using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Google.Protobuf;

namespace Agent.Tests.Exporters.ExporterHelper;

/// <summary>The helper's layers seen from outside: encode once, keyed shards, split batches, shutdown.</summary>
public sealed class RequestShardTests
{
    private readonly Agent.Core.Components.ComponentId _id = OtlpSamples.UniqueId("shards");

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_retry_resends_the_same_bytes_without_encoding_again()
    {
        var encoder = new CountingEncoder<TracesBatch>(RequestExporterTests.Message<TracesBatch>());
        var bodies = new List<byte[]>();
        var exporter = await StartAsync(new SendingQueueOptions(), encoder, (request, _) =>
        {
            lock (bodies)
            {
                bodies.Add(request.Body.ToArray());
                if (bodies.Count <= 2)
                {
                    throw new RetryableException("try again", TimeSpan.FromMilliseconds(1));
                }
            }

            return ValueTask.FromResult(SendResult.Accepted);
        });
        var (batch, done) = OtlpSamples.TracesBatch(3);
        byte[] expected = batch.Data.ToByteArray();

        await exporter.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        Assert.Equal(1, encoder.Calls);
        Assert.Equal(3, bodies.Count);
        Assert.All(bodies, body => Assert.Equal(expected, body));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_batch_split_into_requests_resolves_once_all_are_done_with_the_worst_status()
    {
        var encoder = new CountingEncoder<TracesBatch>(RequestExporterTests.Message<TracesBatch>(), partitioned: true) { Parts = 3 };
        var slowPart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int finished = 0;
        var exporter = await StartAsync(new SendingQueueOptions { NumConsumers = 3 }, encoder, async (request, token) =>
        {
            try
            {
                switch (request.PartitionKey)
                {
                    case 0: await slowPart.Task.WaitAsync(token); return SendResult.Accepted;
                    case 1: throw new PermanentException("bad part");
                    default: return SendResult.Accepted;
                }
            }
            finally
            {
                Interlocked.Increment(ref finished);
            }
        });
        var (batch, done) = OtlpSamples.TracesBatch(7);

        await exporter.ConsumeAsync(batch, CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref finished) == 2);

        // Two of three parts are done, one refused: the source still waits for the third.
        Assert.False(done.IsCompleted);
        slowPart.SetResult();
        Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
        Assert.Equal(3 + 2, SelfMetrics.SentValue(_id.ToString(), Signal.Traces));
        Assert.Equal(2, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Traces, "permanent"));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_shard_whose_head_is_retried_holds_only_its_own_keys()
    {
        var keys = new Dictionary<TracesBatch, ulong>();
        var encoder = new CountingEncoder<TracesBatch>(RequestExporterTests.Message<TracesBatch>(), partitioned: true)
        {
            KeyOf = (batch, _) => keys[batch],
        };
        var backendUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        int failures = 0;
        var exporter = await StartAsync(new SendingQueueOptions { NumConsumers = 2 }, encoder, (request, _) =>
        {
            string name = request.Items.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (request.PartitionKey == 0 && !backendUp.Task.IsCompleted)
            {
                Interlocked.Increment(ref failures);
                throw new RetryableException("shard 0's backend is down");
            }

            lock (order)
            {
                order.Add(name);
            }

            return ValueTask.FromResult(SendResult.Accepted);
        });

        // Item counts name the batches: 1 and 3 have key 0 (shard 0), 2 and 4 key 1 (shard 1).
        var notifiers = new Dictionary<int, BatchNotifier>();
        foreach (int spans in new[] { 1, 2, 3, 4 })
        {
            var (batch, done) = OtlpSamples.TracesBatch(spans);
            keys[batch] = spans % 2 == 1 ? 0UL : 1UL;
            notifiers[spans] = done;
            await exporter.ConsumeAsync(batch, CancellationToken.None);
        }

        Assert.Equal(DeliveryStatus.Delivered, await notifiers[2].Outcome());
        Assert.Equal(DeliveryStatus.Delivered, await notifiers[4].Outcome());
        await WaitUntilAsync(() => Volatile.Read(ref failures) >= 2);
        Assert.False(notifiers[1].IsCompleted);
        Assert.False(notifiers[3].IsCompleted);

        backendUp.SetResult();
        Assert.Equal(DeliveryStatus.Delivered, await notifiers[1].Outcome());
        Assert.Equal(DeliveryStatus.Delivered, await notifiers[3].Outcome());
        Assert.Equal(["2", "4", "1", "3"], order);
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_drains_what_it_can_then_fails_the_rest_as_shutdown()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int attempts = 0;
        var encoder = new CountingEncoder<LogsBatch>(RequestExporterTests.Message<LogsBatch>());
        var exporter = await StartAsync(new SendingQueueOptions { NumConsumers = 1 }, encoder, async (_, token) =>
        {
            if (Interlocked.Increment(ref attempts) == 2)
            {
                // The second request hangs until the drain deadline cancels it.
                stuck.SetResult();
                await Task.Delay(Timeout.Infinite, token);
            }

            return SendResult.Accepted;
        });
        var notifiers = new List<BatchNotifier>();
        for (int i = 0; i < 3; i++)
        {
            var (batch, done) = OtlpSamples.LogsBatch(2);
            notifiers.Add(done);
            await exporter.ConsumeAsync(batch, CancellationToken.None);
        }

        await stuck.Task;
        using var deadline = new CancellationTokenSource();
        var shutdown = exporter.ShutdownAsync(deadline.Token);
        deadline.Cancel();
        await shutdown;

        Assert.Equal(DeliveryStatus.Delivered, await notifiers[0].Outcome());
        Assert.Equal(DeliveryStatus.Errored, await notifiers[1].Outcome());
        Assert.Equal(DeliveryStatus.Errored, await notifiers[2].Outcome());
        Assert.Equal(2, SelfMetrics.SentValue(_id.ToString(), Signal.Logs));
        Assert.Equal(4, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Logs, "shutdown"));
        Assert.Equal(2, attempts);
    }

    private async Task<RequestExporter<TBatch>> StartAsync<TBatch>(
        SendingQueueOptions options, IRequestEncoder<TBatch> encoder, Func<ExportRequest, CancellationToken, ValueTask<SendResult>> send)
        where TBatch : Batch
    {
        var retry = new RetryOptions { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20) };
        var exporter = new RequestExporter<TBatch>(
            _id, new(SelfMetrics.Registry, _id), options, retry, TimeSpan.FromSeconds(5), encoder, new DelegateSender(send), new RecordingLogger());
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5);
        }
    }
}
