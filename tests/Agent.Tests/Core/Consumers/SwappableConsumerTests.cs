using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Consumers;

/// <summary>The consumer a reload switches behind a running receiver: pause waits for calls in flight, held calls go to the new target.</summary>
public class SwappableConsumerTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Batches_go_to_the_target_until_it_is_switched()
    {
        var (before, after) = (new RecordingConsumer<TracesBatch>(), new RecordingConsumer<TracesBatch>());
        var swappable = new SwappableConsumer<TracesBatch>(before);

        await swappable.ConsumeAsync(Traces(("a", 1)), CancellationToken.None);
        await swappable.PauseAsync();
        swappable.Resume(after);
        await swappable.ConsumeAsync(Traces(("b", 1)), CancellationToken.None);

        Assert.Equal(["a"], before.Received.Select(b => b.Resources.Single().Attributes[0].Value.StringValue));
        Assert.Equal(["b"], after.Received.Select(b => b.Resources.Single().Attributes[0].Value.StringValue));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_pause_completes_only_when_the_call_inside_the_old_target_returned()
    {
        var release = new TaskCompletionSource();
        var before = new RecordingConsumer<TracesBatch> { OnConsume = (_, _) => new ValueTask(release.Task) };
        var swappable = new SwappableConsumer<TracesBatch>(before);
        var inside = swappable.ConsumeAsync(Traces(("a", 1)), CancellationToken.None).AsTask();

        var paused = swappable.PauseAsync();
        Assert.False(paused.IsCompleted);
        release.SetResult();
        await inside;
        await paused;
        Assert.Single(before.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_batch_that_comes_while_paused_waits_and_goes_to_the_new_target()
    {
        var (before, after) = (new RecordingConsumer<TracesBatch>(), new RecordingConsumer<TracesBatch>());
        var swappable = new SwappableConsumer<TracesBatch>(before);
        await swappable.PauseAsync();

        var held = swappable.ConsumeAsync(Traces(("a", 1)), CancellationToken.None).AsTask();
        Assert.False(held.IsCompleted);
        swappable.Resume(after);
        await held;

        Assert.Empty(before.Received);
        Assert.Single(after.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_caller_that_gives_up_while_paused_gets_its_batch_completed_as_errored()
    {
        var swappable = new SwappableConsumer<TracesBatch>(new RecordingConsumer<TracesBatch>());
        await swappable.PauseAsync();
        var batch = Traces(("a", 1));
        var notifier = Notify(batch);
        using var giveUp = new CancellationTokenSource();

        var held = swappable.ConsumeAsync(batch, giveUp.Token).AsTask();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }
}
