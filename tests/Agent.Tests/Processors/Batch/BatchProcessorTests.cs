using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Processors.Batch;
using Agent.Tests.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Processors.Batch;

public class BatchProcessorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static int _instances;
    private readonly FakeTimeProvider _time = new();
    private ComponentId _lastId;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Sends_at_once_when_the_batch_reaches_send_batch_size()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 10, Timeout = TimeSpan.FromSeconds(1) });

        await processor.ConsumeAsync(Traces(("a", 4)), CancellationToken.None);
        await processor.ConsumeAsync(Traces(("b", 4)), CancellationToken.None);
        Assert.Empty(sink.Received);

        await processor.ConsumeAsync(Traces(("c", 4)), CancellationToken.None);

        var sent = Assert.Single(sink.Received);
        Assert.Equal([.. Names("a", 4), .. Names("b", 4), .. Names("c", 4)], SpanNames(sent));

        // Nothing was left behind for the timer.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(sink.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Sends_what_is_there_when_the_timeout_passes_after_the_first_item()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 100, Timeout = TimeSpan.FromMilliseconds(200) });

        await processor.ConsumeAsync(Traces(("a", 3)), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        await processor.ConsumeAsync(Traces(("b", 2)), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Empty(sink.Received);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        await Poll.Until(() => sink.Received.Count == 1);
        Assert.Equal([.. Names("a", 3), .. Names("b", 2)], SpanNames(sink.Received[0]));
        Assert.Equal(1, SendsOfLastProcessor(bySize: false));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task What_is_left_after_a_send_by_size_waits_a_new_timeout()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 5, SendBatchMaxSize = 5, Timeout = TimeSpan.FromMilliseconds(200) });

        await processor.ConsumeAsync(Traces(("a", 1)), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await processor.ConsumeAsync(Traces(("b", 6)), CancellationToken.None);
        Assert.Equal([5], sink.Received.Select(b => b.ItemCount));

        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Single(sink.Received);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.Until(() => sink.Received.Count == 2);
        Assert.Equal(["b-4", "b-5"], SpanNames(sink.Received[1]));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Splits_to_send_batch_max_size_keeping_order_and_counts()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 10, SendBatchMaxSize = 10, Timeout = TimeSpan.FromHours(1) });
        var input = Traces(("a", 20), ("b", 15));
        var original = SpanNames(input);

        await processor.ConsumeAsync(input, CancellationToken.None);
        Assert.Equal([10, 10, 10], sink.Received.Select(b => b.ItemCount));

        await processor.ShutdownAsync(CancellationToken.None);

        Assert.Equal([10, 10, 10, 5], sink.Received.Select(b => b.ItemCount));
        Assert.Equal(original, sink.Received.SelectMany(SpanNames));
        Assert.Equal(3, SendsOfLastProcessor(bySize: true));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_a_max_size_a_full_batch_goes_out_whole()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 10, Timeout = TimeSpan.FromHours(1) });

        await processor.ConsumeAsync(Traces(("a", 35)), CancellationToken.None);

        Assert.Equal(35, Assert.Single(sink.Received).ItemCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_source_hears_delivered_only_after_every_part_of_its_data_is_completed()
    {
        var sink = new RecordingConsumer<TracesBatch>(completeWith: null);
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 10, SendBatchMaxSize = 10, Timeout = TimeSpan.FromHours(1) });
        var batch = Traces(("a", 25));
        var notifier = Notify(batch);

        await processor.ConsumeAsync(batch, CancellationToken.None);
        Assert.Equal(2, sink.Received.Count);
        sink.Received[0].Complete(DeliveryStatus.Delivered);
        sink.Received[1].Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);

        await processor.ShutdownAsync(CancellationToken.None);
        Assert.Equal(3, sink.Received.Count);
        Assert.False(notifier.IsCompleted);
        sink.Received[2].Complete(DeliveryStatus.Delivered);

        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Every_merged_source_hears_the_worst_outcome_of_the_batch_it_went_into()
    {
        var sink = new RecordingConsumer<TracesBatch>(completeWith: null);
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 6, Timeout = TimeSpan.FromHours(1) });
        var first = Traces(("a", 3));
        var second = Traces(("b", 3));
        var firstNotifier = Notify(first);
        var secondNotifier = Notify(second);

        await processor.ConsumeAsync(first, CancellationToken.None);
        await processor.ConsumeAsync(second, CancellationToken.None);
        Assert.Single(sink.Received);
        sink.Received[0].Complete(DeliveryStatus.Rejected);

        Assert.Equal(DeliveryStatus.Rejected, StatusOf(firstNotifier));
        Assert.Equal(DeliveryStatus.Rejected, StatusOf(secondNotifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_sends_what_is_buffered_and_refuses_what_comes_later()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 100, Timeout = TimeSpan.FromHours(1) });
        await processor.ConsumeAsync(Traces(("a", 2)), CancellationToken.None);
        await processor.ConsumeAsync(Traces(("b", 2)), CancellationToken.None);

        await processor.ShutdownAsync(CancellationToken.None);

        Assert.Equal(4, Assert.Single(sink.Received).ItemCount);
        var late = Traces(("late", 1));
        var lateNotifier = Notify(late);
        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.ConsumeAsync(late, CancellationToken.None).AsTask());
        Assert.Equal(DeliveryStatus.Errored, StatusOf(lateNotifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_past_its_deadline_completes_what_the_next_stage_did_not_take_as_errored()
    {
        var sink = new RecordingConsumer<TracesBatch>(completeWith: null) { OnConsume = WaitForeverAsync };
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 100, SendBatchMaxSize = 100, Timeout = TimeSpan.FromHours(1) });
        var batch = Traces(("a", 3));
        var notifier = Notify(batch);
        await processor.ConsumeAsync(batch, CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await processor.ShutdownAsync(deadline.Token).WaitAsync(Deadline);

        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Merges_metrics_by_data_points()
    {
        var sink = new RecordingConsumer<MetricsBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 7, Timeout = TimeSpan.FromHours(1) });

        await processor.ConsumeAsync(Metrics(("a", 3)), CancellationToken.None);
        await processor.ConsumeAsync(Metrics(("b", 4)), CancellationToken.None);

        var sent = Assert.Single(sink.Received);
        Assert.Equal(7, sent.ItemCount);
        Assert.Equal(["a", "b"], sent.Data.ResourceMetrics.Select(g => Attribute(g.Resource, "service.name")));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Merges_otlp_logs_and_raw_chunks_and_splits_metrics_inside_a_metric()
    {
        var logSink = new RecordingConsumer<LogsBatch>(completeWith: null);
        var logs = Create(logSink, new BatchProcessorOptions { SendBatchSize = 100, Timeout = TimeSpan.FromMilliseconds(200) });
        var raw = new LogsBatch();
        using var chunk = RawChunk("file", 3);
        raw.Raw.Add(chunk);
        var inputs = new[] { Logs(("a", 2)), raw, Logs(("b", 1)) };
        var notifiers = inputs.Select(Notify).ToArray();

        foreach (var input in inputs)
        {
            await logs.ConsumeAsync(input, CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromMilliseconds(200));
        await Poll.Until(() => logSink.Received.Count == 1);

        var sent = logSink.Received[0];
        Assert.Equal(["a-0", "a-1", "b-0", "file-0", "file-1", "file-2"], LogLines(sent));
        Assert.Same(chunk, Assert.Single(sent.Raw));
        Assert.All(notifiers, n => Assert.False(n.IsCompleted));
        sent.Complete(DeliveryStatus.Delivered);
        Assert.All(notifiers, n => Assert.Equal(DeliveryStatus.Delivered, StatusOf(n)));

        var metricSink = new RecordingConsumer<MetricsBatch>();
        var metrics = Create(metricSink, new BatchProcessorOptions { SendBatchSize = 4, SendBatchMaxSize = 4, Timeout = TimeSpan.FromHours(1) });
        await metrics.ConsumeAsync(Metrics(("m", 9)), CancellationToken.None);
        await metrics.ShutdownAsync(CancellationToken.None);
        Assert.Equal([4, 4, 1], metricSink.Received.Select(b => b.ItemCount));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"m.gauge#{i}"), metricSink.Received.SelectMany(PointNames));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_zero_timeout_sends_every_batch_at_once_cut_to_the_max_size()
    {
        var sink = new RecordingConsumer<TracesBatch>();
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 100, SendBatchMaxSize = 4, Timeout = TimeSpan.Zero });

        await processor.ConsumeAsync(Traces(("a", 10)), CancellationToken.None);
        await processor.ConsumeAsync(Traces(("b", 1)), CancellationToken.None);

        Assert.Equal([4, 4, 2, 1], sink.Received.Select(b => b.ItemCount));
        Assert.Equal([.. Names("a", 10), "b-0"], sink.Received.SelectMany(SpanNames));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_failing_next_stage_is_logged_and_the_sources_hear_errored()
    {
        int calls = 0;
        var sink = new RecordingConsumer<TracesBatch>(completeWith: null)
        {
            OnConsume = (b, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    b.Complete(DeliveryStatus.Errored);
                    throw new InvalidOperationException("exporter queue is shut down");
                }

                b.Complete(DeliveryStatus.Delivered);
                return ValueTask.CompletedTask;
            },
        };
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 2, Timeout = TimeSpan.FromMilliseconds(200) });
        var failed = Traces(("a", 2));
        var failedNotifier = Notify(failed);

        await processor.ConsumeAsync(failed, CancellationToken.None);
        Assert.Equal(DeliveryStatus.Errored, StatusOf(failedNotifier));

        // The processor carries on, on both paths.
        var next = Traces(("b", 1));
        var nextNotifier = Notify(next);
        await processor.ConsumeAsync(next, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await Poll.Until(() => nextNotifier.IsCompleted);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(nextNotifier));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task One_send_at_a_time_so_a_send_by_size_waits_behind_a_send_by_timeout()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstSending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int active = 0;
        int mostActive = 0;
        var sink = new RecordingConsumer<TracesBatch>
        {
            OnConsume = async (b, ct) =>
            {
                int now = Interlocked.Increment(ref active);
                InterlockedMax(ref mostActive, now);
                if (SpanNames(b)[0] == "first-0")
                {
                    firstSending.SetResult();
                    await release.Task.WaitAsync(ct);
                }

                Interlocked.Decrement(ref active);
            },
        };
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 5, Timeout = TimeSpan.FromMilliseconds(200) });

        await processor.ConsumeAsync(Traces(("first", 1)), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await firstSending.Task.WaitAsync(Deadline);
        var blockedBehind = processor.ConsumeAsync(Traces(("second", 5)), CancellationToken.None).AsTask();
        Assert.False(blockedBehind.IsCompleted);
        Assert.Empty(sink.Received);

        release.SetResult();
        await blockedBehind.WaitAsync(Deadline);

        Assert.Equal(["first-0", .. Names("second", 5)], sink.Received.SelectMany(SpanNames));
        Assert.Equal(1, mostActive);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_caller_that_gives_up_waiting_gets_its_batch_completed_as_errored()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingConsumer<TracesBatch> { OnConsume = (_, ct) => new ValueTask(release.Task.WaitAsync(ct)) };
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 1, Timeout = TimeSpan.FromHours(1) });
        var sending = processor.ConsumeAsync(Traces(("first", 1)), CancellationToken.None).AsTask();
        using var giveUp = new CancellationTokenSource();
        var waiting = Traces(("second", 1));
        var notifier = Notify(waiting);

        var blocked = processor.ConsumeAsync(waiting, giveUp.Token).AsTask();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Deadline));
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
        release.SetResult();
        await sending.WaitAsync(Deadline);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_caller_that_stops_waiting_for_a_send_of_merged_data_is_taken_and_the_send_goes_on_for_everyone()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingConsumer<TracesBatch>
        {
            OnConsume = async (_, ct) =>
            {
                sending.TrySetResult();
                await release.Task.WaitAsync(ct);
            },
        };
        var processor = Create(sink, new BatchProcessorOptions { SendBatchSize = 2, Timeout = TimeSpan.FromHours(1) });
        var earlier = Traces(("earlier", 1));
        var earlierNotifier = Notify(earlier);
        var triggering = Traces(("triggering", 1));
        var triggeringNotifier = Notify(triggering);

        // The earlier caller was told its data was taken; the second one's data fills the batch and starts the send.
        await processor.ConsumeAsync(earlier, CancellationToken.None);
        using var giveUp = new CancellationTokenSource();
        var waiting = processor.ConsumeAsync(triggering, giveUp.Token).AsTask();
        await sending.Task.WaitAsync(Deadline);
        await giveUp.CancelAsync();
        await waiting.WaitAsync(Deadline);

        // A caller behind the send waits for it, and one that gives up keeps only its own data out.
        using var behindGivesUp = new CancellationTokenSource();
        var behind = Traces(("behind", 1));
        var behindNotifier = Notify(behind);
        var behindWaiting = processor.ConsumeAsync(behind, behindGivesUp.Token).AsTask();
        await behindGivesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => behindWaiting.WaitAsync(Deadline));
        Assert.Equal(DeliveryStatus.Errored, StatusOf(behindNotifier));

        release.SetResult();
        await Poll.Until(() => earlierNotifier.IsCompleted && triggeringNotifier.IsCompleted);
        Assert.Equal(["earlier-0", "triggering-0"], sink.Received.SelectMany(SpanNames));
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(earlierNotifier));
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(triggeringNotifier));
    }

    private BatchProcessor<TBatch> Create<TBatch>(RecordingConsumer<TBatch> sink, BatchProcessorOptions options)
        where TBatch : Batch<TBatch>
    {
        // A name of its own per test, so the self-metrics of parallel tests do not mix.
        _lastId = new ComponentId("batch", $"test{Interlocked.Increment(ref _instances)}");
        return new BatchProcessor<TBatch>(new TestHost().Context(_lastId, options), options, sink, _time);
    }

    /// <summary>The send counter of the processor created last.</summary>
    private double SendsOfLastProcessor(bool bySize) => SelfMetrics.BatchSentValue(_lastId.ToString(), bySize);

    private static IEnumerable<string> Names(string service, int count) => Enumerable.Range(0, count).Select(i => $"{service}-{i}");

    private static async ValueTask WaitForeverAsync<TBatch>(TBatch batch, CancellationToken cancellationToken)
        where TBatch : Agent.Core.Model.Batch
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // As a real next stage does: what it could not take is completed before it throws.
            batch.Complete(DeliveryStatus.Errored);
            throw;
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
