using Agent.Core.Buffers;

namespace Agent.Tests.Core.Buffers;

public class BoundedQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_unit_bound_refuses_what_would_exceed_it()
    {
        var queue = new BoundedQueue<string>(capacityUnits: 3, capacityBytes: 1000);

        Assert.True(queue.TryEnqueue("a", 2, 10));
        Assert.False(queue.TryEnqueue("b", 2, 10));
        Assert.True(queue.TryEnqueue("c", 1, 10));

        Assert.Equal(3, queue.Units);
        Assert.Equal(20, queue.Bytes);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void The_byte_bound_refuses_what_would_exceed_it_whatever_the_units()
    {
        var queue = new BoundedQueue<string>(capacityUnits: 100, capacityBytes: 10);

        Assert.True(queue.TryEnqueue("a", 1, 6));
        Assert.False(queue.TryEnqueue("b", 1, 6));
        Assert.True(queue.TryEnqueue("c", 1, 4));
        Assert.False(queue.TryEnqueue("d", 1, 1));
    }

    [Fact]
    public void An_item_larger_than_the_whole_queue_is_admitted_into_an_empty_queue_only()
    {
        var queue = new BoundedQueue<string>(capacityUnits: 2, capacityBytes: 10);

        Assert.True(queue.TryEnqueue("huge", 50, 500));
        Assert.False(queue.TryEnqueue("small", 1, 1));

        Assert.True(queue.TryDequeue(out var item));
        Assert.Equal("huge", item);
        Assert.Equal(0, queue.Units);
        Assert.Equal(0, queue.Bytes);
        Assert.True(queue.TryEnqueue("small", 1, 1));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Items_come_out_in_the_order_they_went_in()
    {
        var queue = new BoundedQueue<int>(100, 1000);
        for (int i = 0; i < 10; i++)
        {
            await queue.EnqueueAsync(i, 1, 1, CancellationToken.None);
        }

        var seen = new List<int>();
        while (queue.TryDequeue(out int item))
        {
            seen.Add(item);
        }

        Assert.Equal(Enumerable.Range(0, 10), seen);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_blocked_enqueue_goes_through_once_room_is_freed()
    {
        var queue = new BoundedQueue<string>(1, 100);
        await queue.EnqueueAsync("first", 1, 1, CancellationToken.None);

        // Nothing takes from the queue until the test does, so the second item is either in or waiting: not in.
        var blocked = queue.EnqueueAsync("second", 1, 1, CancellationToken.None).AsTask();
        Assert.False(blocked.IsCompleted);
        Assert.Equal(1, queue.Count);

        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal("first", first);
        await blocked.WaitAsync(Deadline);
        Assert.True(queue.TryDequeue(out var second));
        Assert.Equal("second", second);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Cancelling_a_blocked_enqueue_leaves_the_queue_unchanged()
    {
        var queue = new BoundedQueue<string>(1, 100);
        await queue.EnqueueAsync("first", 1, 1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var blocked = queue.EnqueueAsync("second", 1, 1, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Deadline));
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.Units);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Complete_refuses_new_items_and_lets_consumers_drain_what_is_left()
    {
        var queue = new BoundedQueue<string>(10, 100);
        await queue.EnqueueAsync("a", 1, 1, CancellationToken.None);
        await queue.EnqueueAsync("b", 1, 1, CancellationToken.None);

        queue.Complete();

        Assert.True(queue.IsCompleted);
        Assert.False(queue.TryEnqueue("c", 1, 1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.EnqueueAsync("c", 1, 1, CancellationToken.None).AsTask());
        Assert.Equal((true, "a"), await queue.TryDequeueAsync(CancellationToken.None));
        Assert.Equal((true, "b"), await queue.TryDequeueAsync(CancellationToken.None));
        var (ok, _) = await queue.TryDequeueAsync(CancellationToken.None).AsTask().WaitAsync(Deadline);
        Assert.False(ok);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Complete_wakes_a_blocked_enqueue_with_an_error()
    {
        var queue = new BoundedQueue<string>(1, 100);
        await queue.EnqueueAsync("first", 1, 1, CancellationToken.None);
        var blocked = queue.EnqueueAsync("second", 1, 1, CancellationToken.None).AsTask();

        queue.Complete();

        await Assert.ThrowsAsync<InvalidOperationException>(() => blocked.WaitAsync(Deadline));
        Assert.Equal(1, queue.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_waiting_consumer_gets_the_next_item()
    {
        var queue = new BoundedQueue<string>(10, 100);
        var waiting = queue.TryDequeueAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryEnqueue("x", 1, 1));

        Assert.Equal((true, "x"), await waiting.WaitAsync(Deadline));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Capacities_must_be_positive(long units, long bytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedQueue<string>(units, bytes));
    }
}
