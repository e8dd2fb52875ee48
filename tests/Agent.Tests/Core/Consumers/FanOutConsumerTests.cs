using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Tests.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Consumers;

public class FanOutConsumerTests
{
    [Fact]
    public void One_consumer_is_used_directly_and_none_is_an_error()
    {
        var only = new RecordingConsumer<TracesBatch>();

        Assert.Same(only, FanOutConsumer<TracesBatch>.Of([only]));
        Assert.Throws<ArgumentException>(() => FanOutConsumer<TracesBatch>.Of([]));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Read_only_consumers_share_the_batch_and_the_source_hears_back_after_the_last()
    {
        var first = new RecordingConsumer<TracesBatch>(completeWith: null);
        var second = new RecordingConsumer<TracesBatch>(completeWith: null);
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await FanOutConsumer<TracesBatch>.Of([first, second]).ConsumeAsync(batch, CancellationToken.None);

        Assert.Same(batch, Assert.Single(first.Received));
        Assert.Same(batch, Assert.Single(second.Received));
        first.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);
        second.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_mutator_gets_its_own_copy_when_a_read_only_consumer_shares_the_original()
    {
        // The mutator comes last: it used to be handed the original that the read-only consumer still held.
        var reader = new RecordingConsumer<TracesBatch>(completeWith: null);
        var mutator = new RecordingConsumer<TracesBatch>(mutatesData: true, completeWith: null)
        {
            OnConsume = (b, _) =>
            {
                b.Data.ResourceSpans[0].Resource.Attributes.Add(new KeyValue { Key = "added", Value = new AnyValue { StringValue = "x" } });
                return ValueTask.CompletedTask;
            },
        };
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await FanOutConsumer<TracesBatch>.Of([reader, mutator]).ConsumeAsync(batch, CancellationToken.None);

        Assert.Same(batch, reader.Received[0]);
        Assert.NotSame(batch, mutator.Received[0]);
        Assert.Null(Attribute(batch.Data.ResourceSpans[0].Resource, "added"));
        Assert.Equal("x", Attribute(mutator.Received[0].Data.ResourceSpans[0].Resource, "added"));

        mutator.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);
        reader.Received[0].Complete(DeliveryStatus.Errored);
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task When_all_consumers_mutate_the_last_one_takes_the_original_and_the_others_copies()
    {
        var consumers = Enumerable.Range(0, 3).Select(_ => new RecordingConsumer<TracesBatch>(mutatesData: true, completeWith: null)).ToArray();
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await FanOutConsumer<TracesBatch>.Of(consumers).ConsumeAsync(batch, CancellationToken.None);

        var received = consumers.Select(c => Assert.Single(c.Received)).ToArray();
        Assert.NotSame(batch, received[0]);
        Assert.NotSame(batch, received[1]);
        Assert.NotSame(received[0], received[1]);
        Assert.Same(batch, received[2]);
        Assert.All(received, r => Assert.Equal(SpanNames(batch), SpanNames(r)));

        received[0].Complete(DeliveryStatus.Delivered);
        received[2].Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);
        received[1].Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_failing_consumer_stops_the_fan_out_and_the_rest_are_completed_as_errored()
    {
        var before = new RecordingConsumer<LogsBatch>(completeWith: null);
        var failing = new RecordingConsumer<LogsBatch>(mutatesData: true, completeWith: null)
        {
            // As every consumer does when it throws: it completes what it was handed first.
            OnConsume = (b, _) =>
            {
                b.Complete(DeliveryStatus.Errored);
                throw new InvalidOperationException("queue is shut down");
            },
        };
        var after = new RecordingConsumer<LogsBatch>();
        var batch = Logs(("a", 1));
        var notifier = Notify(batch);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => FanOutConsumer<LogsBatch>.Of([before, failing, after]).ConsumeAsync(batch, CancellationToken.None).AsTask());

        Assert.Equal("queue is shut down", error.Message);
        Assert.Empty(after.Received);
        Assert.False(notifier.IsCompleted);
        before.Received[0].Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }

    [Theory]
    [InlineData(new[] { true, true }, true)]
    [InlineData(new[] { true, false }, false)]
    [InlineData(new[] { false, true }, false)]
    [InlineData(new[] { false, false }, false)]
    public void A_fan_out_says_it_mutates_exactly_when_it_hands_the_original_to_a_mutator(bool[] mutators, bool expected)
    {
        var fanOut = FanOutConsumer<MetricsBatch>.Of([.. mutators.Select(m => new RecordingConsumer<MetricsBatch>(m))]);

        Assert.Equal(expected, fanOut.MutatesData);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Nested_fan_outs_never_let_a_mutator_change_what_a_reader_in_another_branch_holds()
    {
        // A receiver fanning out to a read-only pipeline and to a pipeline that itself fans out to two mutators.
        var reader = new RecordingConsumer<TracesBatch>();
        var mutators = Enumerable.Range(0, 2).Select(i => new RecordingConsumer<TracesBatch>(mutatesData: true)
        {
            OnConsume = (b, _) =>
            {
                b.Data.ResourceSpans[0].Resource.Attributes.Add(new KeyValue { Key = $"mutator{i}", Value = new AnyValue { StringValue = "x" } });
                return ValueTask.CompletedTask;
            },
        }).ToArray();
        var inner = FanOutConsumer<TracesBatch>.Of(mutators);
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await FanOutConsumer<TracesBatch>.Of([reader, inner]).ConsumeAsync(batch, CancellationToken.None);

        Assert.Same(batch, reader.Received[0]);
        Assert.Null(Attribute(batch.Data.ResourceSpans[0].Resource, "mutator0"));
        Assert.Null(Attribute(batch.Data.ResourceSpans[0].Resource, "mutator1"));
        Assert.Equal("x", Attribute(mutators[0].Received[0].Data.ResourceSpans[0].Resource, "mutator0"));
        Assert.Null(Attribute(mutators[0].Received[0].Data.ResourceSpans[0].Resource, "mutator1"));
        Assert.Equal("x", Attribute(mutators[1].Received[0].Data.ResourceSpans[0].Resource, "mutator1"));
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }
}
