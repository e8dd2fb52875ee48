using System.Net;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Tests.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Receiving;

public class ReceiverHelperTests
{
    private const string Transport = "test";

    private static readonly ClientContext Client = new(IPAddress.Parse("10.1.2.3"), new Dictionary<string, IReadOnlyList<string>> { ["x-tenant"] = ["acme"] });

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_taken_batch_carries_a_notifier_and_the_client_and_counts_as_accepted_before_delivery()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>(completeWith: null);
        var helper = new ReceiverHelper(context, NullLogger.Instance);

        var result = await helper.ReceiveAsync(next, Traces(("a", 3)), Transport, Client, CancellationToken.None);

        Assert.Equal(ReceiveOutcome.Accepted, result.Outcome);
        var taken = Assert.Single(next.Received);
        Assert.Same(Client, taken.Context);
        Assert.Equal(3, Accepted(context, Signal.Traces));
        Assert.False(result.Delivery.IsCompleted);
        taken.Complete(DeliveryStatus.Rejected);
        Assert.Equal(DeliveryStatus.Rejected, await result.Delivery);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_empty_batch_is_accepted_without_reaching_the_pipeline_or_the_counts()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>();
        var helper = new ReceiverHelper(context, NullLogger.Instance);

        var result = await helper.ReceiveAsync(next, new TracesBatch(), Transport, Client, CancellationToken.None);

        Assert.Equal(ReceiveOutcome.Accepted, result.Outcome);
        Assert.Equal(DeliveryStatus.Delivered, await result.Delivery);
        Assert.Empty(next.Received);
        Assert.Equal(0, Accepted(context, Signal.Traces) + Refused(context, Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_full_pipeline_is_retryable_after_the_backpressure_timeout_and_counted_as_refused()
    {
        var context = Context();
        var next = new RecordingConsumer<LogsBatch> { Full = true };
        var helper = new ReceiverHelper(context, NullLogger.Instance, backpressureTimeout: TimeSpan.FromMilliseconds(50));

        var result = await helper.ReceiveAsync(next, Logs(("a", 2)), Transport, ClientContext.Empty, CancellationToken.None);

        Assert.Equal(ReceiveOutcome.Retryable, result.Outcome);
        Assert.Contains("full", result.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Errored, await result.Delivery);
        Assert.Equal(2, Refused(context, Signal.Logs));
        Assert.Equal(0, Accepted(context, Signal.Logs));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Once_a_wait_for_room_ran_out_the_next_batches_are_refused_at_once_while_one_probe_waits()
    {
        var context = Context();
        var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = new RecordingConsumer<LogsBatch> { Room = room.Task };
        var helper = new ReceiverHelper(context, NullLogger.Instance, backpressureTimeout: TimeSpan.FromSeconds(1));

        var first = await helper.ReceiveAsync(next, Logs(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);
        var probe = helper.ReceiveAsync(next, Logs(("a", 2)), Transport, ClientContext.Empty, CancellationToken.None);
        var refusedAtOnce = helper.ReceiveAsync(next, Logs(("a", 3)), Transport, ClientContext.Empty, CancellationToken.None);

        // The third batch never reached the pipeline: answered while the probe still waits, its data released.
        Assert.True(refusedAtOnce.IsCompleted);
        var refused = await refusedAtOnce;
        Assert.False(probe.IsCompleted);
        Assert.Equal(2, next.WaitedForRoom);
        Assert.Equal((ReceiveOutcome.Retryable, ReceiveOutcome.Retryable), (first.Outcome, refused.Outcome));
        Assert.Contains("full", refused.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Errored, await refused.Delivery);

        // Room again: the probe is taken, and the door is open to the next batch without a probe.
        room.SetResult();
        Assert.Equal(ReceiveOutcome.Accepted, (await probe).Outcome);
        var after = await helper.ReceiveAsync(next, Logs(("a", 4)), Transport, ClientContext.Empty, CancellationToken.None);
        Assert.Equal(ReceiveOutcome.Accepted, after.Outcome);
        Assert.Equal(1 + 3, Refused(context, Signal.Logs));
        Assert.Equal(2 + 4, Accepted(context, Signal.Logs));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_probe_that_runs_out_too_hands_the_probe_to_the_next_batch()
    {
        var context = Context();
        var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = new RecordingConsumer<LogsBatch> { Room = room.Task };
        var helper = new ReceiverHelper(context, NullLogger.Instance, backpressureTimeout: TimeSpan.FromMilliseconds(50));

        for (int i = 0; i < 3; i++)
        {
            // One after the other: each finds no probe waiting, so each becomes the probe and reaches the pipeline.
            var result = await helper.ReceiveAsync(next, Logs(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);
            Assert.Equal(ReceiveOutcome.Retryable, result.Outcome);
        }

        Assert.Equal(3, next.WaitedForRoom);
        room.SetResult();
        var taken = await helper.ReceiveAsync(next, Logs(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);
        Assert.Equal(ReceiveOutcome.Accepted, taken.Outcome);
        Assert.Equal(3, Refused(context, Signal.Logs));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(DeliveryStatus.Delivered, ReceiveOutcome.Accepted)]
    [InlineData(DeliveryStatus.Errored, ReceiveOutcome.Retryable)]
    [InlineData(DeliveryStatus.Rejected, ReceiveOutcome.Rejected)]
    public async Task Waiting_for_delivery_answers_with_the_batchs_fate(DeliveryStatus fate, ReceiveOutcome expected)
    {
        var context = Context();
        var next = new RecordingConsumer<MetricsBatch>(completeWith: fate);
        var helper = new ReceiverHelper(context, NullLogger.Instance, awaitDelivery: true);

        var result = await helper.ReceiveAsync(next, Metrics(("a", 4)), Transport, ClientContext.Empty, CancellationToken.None);

        Assert.Equal(expected, result.Outcome);

        // The pipeline took the batch: accepted, whatever its fate; the exporter counts that fate, once.
        Assert.Equal(4, Accepted(context, Signal.Metrics));
        Assert.Equal(0, Refused(context, Signal.Metrics));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_client_that_stops_waiting_for_delivery_leaves_its_items_accepted_not_refused()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>(completeWith: null);
        var helper = new ReceiverHelper(context, NullLogger.Instance, awaitDelivery: true);
        using var client = new CancellationTokenSource();

        var waiting = helper.ReceiveAsync(next, Traces(("a", 3)), Transport, ClientContext.Empty, client.Token);
        await client.CancelAsync();
        var result = await waiting;
        Assert.Single(next.Received).Complete(DeliveryStatus.Delivered);

        // The client hears "retry" (its data may still arrive), but the items were taken: were they also counted
        // refused, an exporter that later sends them would make them both refused and sent.
        Assert.Equal(ReceiveOutcome.Retryable, result.Outcome);
        Assert.Equal(DeliveryStatus.Delivered, await result.Delivery);
        Assert.Equal(3, Accepted(context, Signal.Traces));
        Assert.Equal(0, Refused(context, Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_permanent_refusal_by_the_pipeline_is_rejected()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>
        {
            OnConsume = (batch, _) =>
            {
                batch.Complete(DeliveryStatus.Rejected);
                throw new PermanentException("no such tenant");
            },
        };
        var helper = new ReceiverHelper(context, NullLogger.Instance);

        var result = await helper.ReceiveAsync(next, Traces(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);

        Assert.Equal(ReceiveOutcome.Rejected, result.Outcome);
        Assert.Equal("no such tenant", result.Message);
        Assert.Equal(1, Refused(context, Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_shutdown_deadline_abandons_a_wait_for_delivery()
    {
        var context = Context();
        var next = new RecordingConsumer<TracesBatch>(completeWith: null);
        var helper = new ReceiverHelper(context, NullLogger.Instance, awaitDelivery: true);
        using var deadline = new CancellationTokenSource();
        using var registration = helper.AbandonWhen(deadline.Token);

        var waiting = helper.ReceiveAsync(next, Traces(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);
        Assert.Single(next.Received);
        Assert.False(waiting.IsCompleted);
        await deadline.CancelAsync();
        var result = await waiting;

        Assert.Equal(ReceiveOutcome.Retryable, result.Outcome);
        Assert.Contains("shutting down", result.Message, StringComparison.Ordinal);
        Assert.True(helper.Abandoned.IsCancellationRequested);
    }

    private static ComponentContext Context() => new TestHost().Context(new ComponentId("test_receiver", Guid.NewGuid().ToString("N")), new object());

    private static double Accepted(ComponentContext context, Signal signal) => SelfMetrics.AcceptedValue(context.Id.ToString(), Transport, signal);

    private static double Refused(ComponentContext context, Signal signal) => SelfMetrics.RefusedValue(context.Id.ToString(), Transport, signal);
}
