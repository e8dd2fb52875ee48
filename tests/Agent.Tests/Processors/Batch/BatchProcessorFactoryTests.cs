using Agent.Core.Components;
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

    [Fact]
    public async Task The_factory_builds_a_mutating_processor_for_each_signal()
    {
        var factory = new BatchProcessorFactory();
        var context = new ComponentContext(new ComponentId("batch"), new BatchProcessorOptions { Timeout = TimeSpan.Zero }, new TestHost());
        var sink = new RecordingConsumer<LogsBatch>();

        var processor = factory.CreateProcessor(context, sink);
        await processor.StartAsync(CancellationToken.None);
        await processor.ConsumeAsync(Logs(("a", 1)), CancellationToken.None);
        await processor.ShutdownAsync(CancellationToken.None);

        Assert.True(processor.MutatesData);
        Assert.Single(sink.Received);
        Assert.True(factory.CreateProcessor(context, new RecordingConsumer<TracesBatch>()).MutatesData);
        Assert.True(factory.CreateProcessor(context, new RecordingConsumer<MetricsBatch>()).MutatesData);
    }
}
