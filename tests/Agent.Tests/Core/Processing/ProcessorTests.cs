using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Processing;
using Agent.Tests.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Processing;

public class ProcessorTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_processed_batch_goes_on_and_the_source_hears_back_only_when_the_next_stage_is_done()
    {
        var next = new RecordingConsumer<TracesBatch>(completeWith: null);
        var processor = new TestProcessor<TracesBatch>(Context(), next, batch =>
        {
            batch.Data.ResourceSpans[0].Resource.Attributes.Clear();
            return batch;
        });
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        await processor.ConsumeAsync(batch, CancellationToken.None);

        var passed = Assert.Single(next.Received);
        Assert.Same(batch, passed);
        Assert.Empty(passed.Data.ResourceSpans[0].Resource.Attributes);
        Assert.False(notifier.IsCompleted);
        passed.Complete(DeliveryStatus.Rejected);
        Assert.Equal(DeliveryStatus.Rejected, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_dropped_batch_is_completed_as_delivered_and_counted_as_filtered()
    {
        var context = Context();
        var next = new RecordingConsumer<LogsBatch>();
        var processor = new TestProcessor<LogsBatch>(context, next, _ => null);
        var batch = Logs(("a", 3));
        batch.Raw.Add(RawChunk("b", 2));
        var notifier = Notify(batch);

        await processor.ConsumeAsync(batch, CancellationToken.None);

        Assert.Empty(next.Received);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
        Assert.Equal(5, Dropped(context, Signal.Logs, "filtered"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Items_a_processor_reports_removed_from_a_batch_that_goes_on_are_counted()
    {
        var context = Context();
        var next = new RecordingConsumer<MetricsBatch>();
        var processor = new FirstGroupFilter(context, next);

        await processor.ConsumeAsync(Metrics(("gone", 4), ("kept", 3)), CancellationToken.None);

        Assert.Equal(["kept.gauge#0", "kept.gauge#1", "kept.gauge#2"], PointNames(Assert.Single(next.Received)));
        Assert.Equal(4, Dropped(context, Signal.Metrics, "filtered"));
        Assert.Equal(0, Dropped(context, Signal.Metrics, "refused"));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(false, DeliveryStatus.Errored)]
    [InlineData(true, DeliveryStatus.Rejected)]
    public async Task A_refusal_reaches_the_caller_with_the_batch_already_completed_once(bool permanent, DeliveryStatus expected)
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>();
        Exception refusal = permanent ? new PermanentException("bad data") : new InvalidOperationException("memory is short");
        var processor = new TestProcessor<TracesBatch>(context, next, _ => throw refusal);
        var batch = Traces(("a", 2));
        var notifier = Notify(batch);

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => processor.ConsumeAsync(batch, CancellationToken.None).AsTask());

        Assert.Same(refusal, thrown);
        Assert.Empty(next.Received);
        Assert.Equal(expected, StatusOf(notifier));
        Assert.Equal(2, Dropped(context, Signal.Traces, "refused"));

        // Completed exactly once: a second release by the caller would now be an error.
        Assert.Throws<InvalidOperationException>(() => notifier.Release(DeliveryStatus.Delivered));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_failing_next_stage_is_not_completed_again_and_not_counted_as_a_drop()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>(completeWith: null)
        {
            OnConsume = (batch, _) =>
            {
                batch.Complete(DeliveryStatus.Errored);
                throw new RetryableException("queue full");
            },
        };
        var processor = new TestProcessor<TracesBatch>(context, next, batch => batch);
        var batch = Traces(("a", 1));
        var notifier = Notify(batch);

        await Assert.ThrowsAsync<RetryableException>(() => processor.ConsumeAsync(batch, CancellationToken.None).AsTask());

        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
        Assert.Equal(0, Dropped(context, Signal.Traces, "refused"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_read_only_processor_shares_the_original_in_a_fan_out_and_a_mutating_one_gets_a_copy()
    {
        var seen = new List<TracesBatch>();
        var readOnly = new TestProcessor<TracesBatch>(Context(), new RecordingConsumer<TracesBatch>(), batch => Seen(seen, batch), mutatesData: false);
        var mutating = new TestProcessor<TracesBatch>(Context(), new RecordingConsumer<TracesBatch>(), batch => Seen(seen, batch), mutatesData: true);
        var other = new RecordingConsumer<TracesBatch>();
        var batch = Traces(("a", 1));

        await FanOutConsumer<TracesBatch>.Of([readOnly, mutating, other]).ConsumeAsync(batch, CancellationToken.None);

        Assert.False(readOnly.MutatesData);
        Assert.True(mutating.MutatesData);
        Assert.Same(batch, seen[0]);
        Assert.NotSame(batch, seen[1]);
        await readOnly.StartAsync(CancellationToken.None);
        await readOnly.ShutdownAsync(CancellationToken.None);
    }

    private static TracesBatch Seen(List<TracesBatch> seen, TracesBatch batch)
    {
        seen.Add(batch);
        return batch;
    }

    private static ComponentContext Context() => new TestHost().Context(new ComponentId("test_processor", Guid.NewGuid().ToString("N")), new object());

    private static double Dropped(ComponentContext context, Signal signal, string reason) =>
        SelfMetrics.Value($"otelcol_processor_dropped_{signal.ItemName()}_total", ("processor", context.Id.ToString()), ("reason", reason));

    /// <summary>A filter as one will be written: it removes the first group and reports how many points went.</summary>
    private sealed class FirstGroupFilter(ComponentContext context, IConsumer<MetricsBatch> next) : Processor<MetricsBatch>(context, next, mutatesData: true)
    {
        protected override MetricsBatch Process(MetricsBatch batch)
        {
            int before = batch.ItemCount;
            batch.Data.ResourceMetrics.RemoveAt(0);
            batch.ContentChanged();
            CountFiltered(batch, before - batch.ItemCount);
            return batch;
        }
    }

    private sealed class TestProcessor<TBatch>(ComponentContext context, IConsumer<TBatch> next, Func<TBatch, TBatch?> process, bool mutatesData = true)
        : Processor<TBatch>(context, next, mutatesData)
        where TBatch : Batch
    {
        protected override TBatch? Process(TBatch batch) => process(batch);
    }
}
