using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Processors.Batch;
using Agent.Tests.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Processors.Batch;

public class BatchProcessorFactoryTests
{
    [Fact]
    public void Defaults_are_the_collectors_and_bad_sizes_are_refused()
    {
        var factory = new BatchProcessorFactory();
        var defaults = (BatchProcessorOptions)factory.CreateDefaultOptions();

        Assert.Equal("batch", factory.Type);
        Assert.Equal([Signal.Traces, Signal.Metrics, Signal.Logs], factory.Signals);
        Assert.Equal(8192, defaults.SendBatchSize);
        Assert.Equal(0, defaults.SendBatchMaxSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), defaults.Timeout);
        Assert.Empty(defaults.Validate());

        var tooSmallMax = new BatchProcessorOptions { SendBatchSize = 100, SendBatchMaxSize = 50 };
        Assert.Equal("send_batch_max_size", Assert.Single(tooSmallMax.Validate()).Key);
        var negative = new BatchProcessorOptions { SendBatchSize = -1, Timeout = TimeSpan.FromSeconds(-1) };
        Assert.Equal(["send_batch_size", "timeout"], negative.Validate().Select(e => e.Key));
        Assert.Empty(new BatchProcessorOptions { SendBatchSize = 100, SendBatchMaxSize = 100 }.Validate());
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(Signal.Traces)]
    [InlineData(Signal.Metrics)]
    [InlineData(Signal.Logs)]
    public async Task The_factory_builds_each_signal_with_the_configured_sizes(Signal signal)
    {
        var options = new BatchProcessorOptions { SendBatchSize = 3, Timeout = TimeSpan.FromHours(1) };
        switch (signal)
        {
            case Signal.Traces:
                await AssertMergesAsync(options, () => Traces(("a", 1)), b => b.Data.ResourceSpans.Count);
                break;
            case Signal.Metrics:
                await AssertMergesAsync(options, () => Metrics(("a", 1)), b => b.Data.ResourceMetrics.Count);
                break;
            default:
                await AssertMergesAsync(options, () => Logs(("a", 1)), b => b.Data.ResourceLogs.Count);
                break;
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Merging_never_changes_the_batch_a_read_only_consumer_of_the_same_fan_out_holds()
    {
        var factory = new BatchProcessorFactory();
        var context = Context(new BatchProcessorOptions { SendBatchSize = 2, Timeout = TimeSpan.FromHours(1) });
        var merged = new RecordingConsumer<TracesBatch>();
        var processor = factory.CreateProcessor(context, merged);
        var readOnly = new RecordingConsumer<TracesBatch>(completeWith: null);
        var fanOut = FanOutConsumer<TracesBatch>.Of([readOnly, processor]);

        await fanOut.ConsumeAsync(Traces(("first", 1)), CancellationToken.None);
        await fanOut.ConsumeAsync(Traces(("second", 1)), CancellationToken.None);
        await processor.ShutdownAsync(CancellationToken.None);

        // The processor appended the second batch to the first: had it been handed the shared original, the
        // read-only consumer would now see both groups in its first batch.
        Assert.Equal(["first-0", "second-0"], SpanNames(Assert.Single(merged.Received)));
        Assert.Equal([["first-0"], ["second-0"]], readOnly.Received.Select(SpanNames));
    }

    private static async Task AssertMergesAsync<TBatch>(BatchProcessorOptions options, Func<TBatch> one, Func<TBatch, int> groups)
        where TBatch : Agent.Core.Model.Batch
    {
        var sink = new RecordingConsumer<TBatch>();
        var processor = new BatchProcessorFactory().CreateProcessor(Context(options), sink);
        await processor.StartAsync(CancellationToken.None);

        // Two batches of one item wait for a third (send_batch_size 3, a timeout that does not pass).
        await processor.ConsumeAsync(one(), CancellationToken.None);
        await processor.ConsumeAsync(one(), CancellationToken.None);
        Assert.Empty(sink.Received);
        await processor.ConsumeAsync(one(), CancellationToken.None);

        var sent = Assert.Single(sink.Received);
        Assert.Equal(3, sent.ItemCount);
        Assert.Equal(3, groups(sent));
        await processor.ShutdownAsync(CancellationToken.None);
    }

    private static ComponentContext Context(BatchProcessorOptions options) =>
        new(new ComponentId("batch", Guid.NewGuid().ToString("N")), options, new TestHost());
}
