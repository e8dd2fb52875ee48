using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;

namespace Agent.Tests.Exporters.ExporterHelper;

public sealed class MemoryRequestQueueTests
{
    [Theory]
    [InlineData("requests", 2, 1)]
    [InlineData("items", 7, 3)]
    [InlineData("bytes", 250, 100)]
    public void The_sizer_picks_the_unit_the_bound_counts(string sizer, long capacity, long sizeOfFirst)
    {
        var queue = new MemoryRequestQueue(new SendingQueueOptions { Sizer = sizer, QueueSize = capacity }, shards: 1);

        Assert.True(queue.TryEnqueue(Request(items: 3, bytes: 100), 0));
        Assert.Equal(sizeOfFirst, queue.Size);
        Assert.Equal(capacity, queue.Capacity);
        Assert.True(queue.TryEnqueue(Request(items: 3, bytes: 100), 0));
        Assert.False(queue.TryEnqueue(Request(items: 3, bytes: 100), 0));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void A_request_larger_than_the_whole_capacity_still_enters_an_empty_queue()
    {
        var queue = new MemoryRequestQueue(new SendingQueueOptions { Sizer = "bytes", QueueSize = 10, MaxSizeMib = 1 }, shards: 1);

        Assert.True(queue.TryEnqueue(Request(items: 1, bytes: 2 * 1024 * 1024), 0));
        Assert.False(queue.TryEnqueue(Request(items: 1, bytes: 1), 0));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_mib_bound_counts_the_pooled_buffer_a_request_holds_not_just_its_body()
    {
        var queue = new MemoryRequestQueue(new SendingQueueOptions { QueueSize = 100, MaxSizeMib = 1 }, shards: 1);

        // 400 kB bodies in 1 MiB pooled buffers: the bodies of two would fit 1 MiB, the buffers of two hold 2 MiB.
        Assert.True(queue.TryEnqueue(PooledRequest(body: 400_000, buffer: 1024 * 1024), 0));
        Assert.False(queue.TryEnqueue(PooledRequest(body: 400_000, buffer: 1024 * 1024), 0));
        Assert.NotNull(await queue.DequeueAsync(0, CancellationToken.None));
        Assert.True(queue.TryEnqueue(PooledRequest(body: 400_000, buffer: 1024 * 1024), 0));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Each_shard_is_first_in_first_out_and_shards_do_not_wait_for_each_other()
    {
        var queue = new MemoryRequestQueue(new SendingQueueOptions(), shards: 2);
        var a1 = Request(1, 1);
        var a2 = Request(2, 1);
        var b1 = Request(3, 1);
        queue.TryEnqueue(a1, 0);
        queue.TryEnqueue(a2, 0);
        queue.TryEnqueue(b1, 1);

        Assert.Same(b1, await queue.DequeueAsync(1, CancellationToken.None));
        Assert.Same(a1, await queue.DequeueAsync(0, CancellationToken.None));
        Assert.Same(a2, await queue.DequeueAsync(0, CancellationToken.None));
        var waiting = queue.DequeueAsync(1, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        queue.Complete();
        Assert.Null(await waiting);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_shut_queue_takes_nothing_more_and_wakes_a_waiting_producer_with_an_error()
    {
        var queue = new MemoryRequestQueue(new SendingQueueOptions { QueueSize = 1 }, shards: 1);
        queue.TryEnqueue(Request(1, 1), 0);
        var waiting = queue.EnqueueAsync(Request(1, 1), 0, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        queue.Complete();

        await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
        Assert.False(queue.TryEnqueue(Request(1, 1), 0));
        Assert.True(queue.TryDequeueAny(out _));
        Assert.False(queue.TryDequeueAny(out _));
    }

    private static ExportRequest Request(int items, int bytes) => new(Signal.Logs, items, new byte[bytes]);

    private static ExportRequest PooledRequest(int body, int buffer) =>
        ExportRequest.FromRented(Signal.Logs, 1, new byte[buffer], body, "application/x-protobuf");
}
