using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Microsoft.Extensions.Logging.Abstractions;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Receiving;

/// <summary>
/// The receiver helper's three ways to answer: always after delivery (true), always at acceptance (false), and,
/// unset, after delivery exactly when what it hands the batch to acknowledges on disk (every exporter behind has a
/// persistent queue), read from the swappable consumer a reload switches.
/// </summary>
public class ReceiverHelperOnDiskTests
{
    private const string Transport = "test";

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    public async Task The_answer_waits_for_the_notifier_as_acknowledgements_and_the_disk_say(bool? acknowledgements, bool onDisk, bool waits)
    {
        var pipeline = new RecordingConsumer<LogsBatch>(completeWith: null);
        var next = new SwappableConsumer<LogsBatch>(pipeline, onDisk);
        var helper = new ReceiverHelper(Context(), NullLogger.Instance, awaitDelivery: acknowledgements);

        var answer = helper.ReceiveAsync(next, Logs(("a", 2)), Transport, ClientContext.Empty, CancellationToken.None);
        var taken = Assert.Single(pipeline.Received);

        // The pipeline took the batch and its notifier is still open: only a receiver that waits has no answer yet.
        Assert.Equal(!waits, answer.IsCompleted);
        taken.Complete(DeliveryStatus.Errored);
        var result = await answer;
        Assert.Equal(waits ? ReceiveOutcome.Retryable : ReceiveOutcome.Accepted, result.Outcome);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Unset_follows_a_swap_between_pipelines_that_acknowledge_on_disk_and_in_memory()
    {
        var memory = new RecordingConsumer<LogsBatch>(completeWith: null);
        var disk = new RecordingConsumer<LogsBatch>(completeWith: null);
        var next = new SwappableConsumer<LogsBatch>(memory, acknowledgesOnDisk: false);
        var helper = new ReceiverHelper(Context(), NullLogger.Instance, awaitDelivery: null);

        Assert.True(helper.ReceiveAsync(next, Logs(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None).IsCompleted);

        // A reload to exporters with persistent queues: the next answer waits until the batch is on disk.
        await next.PauseAsync();
        next.Resume(disk, acknowledgesOnDisk: true);
        var waiting = helper.ReceiveAsync(next, Logs(("b", 1)), Transport, ClientContext.Empty, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.Single(disk.Received).Complete(DeliveryStatus.Delivered);
        Assert.Equal(ReceiveOutcome.Accepted, (await waiting).Outcome);

        // And back to memory: answered at acceptance again.
        await next.PauseAsync();
        next.Resume(memory, acknowledgesOnDisk: false);
        Assert.True(helper.ReceiveAsync(next, Logs(("c", 1)), Transport, ClientContext.Empty, CancellationToken.None).IsCompleted);
        Assert.Equal(2, memory.Received.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_batch_held_by_a_pause_waits_when_the_pipeline_it_is_let_into_acknowledges_on_disk()
    {
        var disk = new RecordingConsumer<LogsBatch>(completeWith: null);
        var next = new SwappableConsumer<LogsBatch>(new RecordingConsumer<LogsBatch>(), acknowledgesOnDisk: false);
        var helper = new ReceiverHelper(Context(), NullLogger.Instance, awaitDelivery: null);
        await next.PauseAsync();

        var held = helper.ReceiveAsync(next, Logs(("a", 1)), Transport, ClientContext.Empty, CancellationToken.None);
        Assert.False(held.IsCompleted);
        next.Resume(disk, acknowledgesOnDisk: true);
        await Eventually.UntilAsync(() => disk.Received.Count == 1, "the held batch to reach the new pipeline");

        // Taken by a pipeline that writes it to disk: the answer waits for that.
        Assert.False(held.IsCompleted);
        Assert.Single(disk.Received).Complete(DeliveryStatus.Delivered);
        Assert.Equal(ReceiveOutcome.Accepted, (await held).Outcome);
    }

    private static ComponentContext Context() => new TestHost().Context(new ComponentId("test_receiver", Guid.NewGuid().ToString("N")), new object());
}
