using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Exporters.ExporterHelper;

public sealed class RequestExporterTests
{
    private readonly Agent.Core.Components.ComponentId _id = OtlpSamples.UniqueId("queue");

    private Agent.Core.Telemetry.ExporterTelemetry Telemetry => new(SelfMetrics.Registry, _id);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Consumers_send_side_by_side_up_to_num_consumers()
    {
        var backend = new BlockingBackend();
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions { NumConsumers = 3 }, backend.SendAsync);
        var notifiers = new List<BatchNotifier>();
        for (int i = 0; i < 5; i++)
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            notifiers.Add(done);
            await queue.ConsumeAsync(batch, CancellationToken.None);
        }

        await backend.WaitInFlightAsync(3);
        Assert.Equal(2, queue.QueuedRequests);
        backend.Release();

        foreach (var done in notifiers)
        {
            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        }

        Assert.Equal(3, backend.MaxInFlight);
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("requests", 2, 1)]
    [InlineData("items", 5, 3)]
    public async Task A_full_queue_makes_producers_wait_until_a_batch_leaves(string sizer, int queueSize, int spansPerBatch)
    {
        var backend = new BlockingBackend();
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions { NumConsumers = 1, QueueSize = queueSize, Sizer = sizer }, backend.SendAsync);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(spansPerBatch).Batch, CancellationToken.None);
        await backend.WaitInFlightAsync(1);

        // The one consumer is stuck, so nothing leaves the queue: what does not fit must wait.
        int fitting = sizer == "requests" ? queueSize : queueSize / spansPerBatch;
        for (int i = 0; i < fitting; i++)
        {
            await queue.ConsumeAsync(OtlpSamples.TracesBatch(spansPerBatch).Batch, CancellationToken.None);
        }

        var waiting = queue.ConsumeAsync(OtlpSamples.TracesBatch(spansPerBatch).Batch, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        backend.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.ShutdownAsync(CancellationToken.None);
        Assert.Equal(fitting + 2, backend.Sent);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_byte_cap_holds_whatever_the_sizer()
    {
        var backend = new BlockingBackend();
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions { NumConsumers = 1, QueueSize = 1000, MaxSizeMib = 1 }, backend.SendAsync);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(1, padding: 400_000).Batch, CancellationToken.None);
        await backend.WaitInFlightAsync(1);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(1, padding: 400_000).Batch, CancellationToken.None);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(1, padding: 400_000).Batch, CancellationToken.None);

        var waiting = queue.ConsumeAsync(OtlpSamples.TracesBatch(1, padding: 400_000).Batch, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        backend.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_block_on_overflow_a_full_queue_refuses_and_counts_the_batch()
    {
        var backend = new BlockingBackend();
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions { NumConsumers = 1, QueueSize = 1, BlockOnOverflow = false }, backend.SendAsync);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(1).Batch, CancellationToken.None);
        await backend.WaitInFlightAsync(1);
        await queue.ConsumeAsync(OtlpSamples.TracesBatch(1).Batch, CancellationToken.None);

        var (refused, done) = OtlpSamples.TracesBatch(4);
        await queue.ConsumeAsync(refused, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
        Assert.Equal(4, SelfMetrics.EnqueueFailedValue(_id.ToString(), Signal.Traces));
        Assert.Equal(1, SelfMetrics.Value("otelcol_exporter_queue_size", ("exporter", _id.ToString()), ("data_type", "traces")));
        Assert.Equal(1, SelfMetrics.Value("otelcol_exporter_queue_capacity", ("exporter", _id.ToString()), ("data_type", "traces")));
        backend.Release();
        await queue.ShutdownAsync(CancellationToken.None);
        Assert.Equal(2, backend.Sent);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_delivers_everything_already_queued()
    {
        int sent = 0;
        var queue = await StartAsync<LogsBatch>(new SendingQueueOptions { NumConsumers = 2 }, async (_, _) =>
        {
            await Task.Yield();
            Interlocked.Increment(ref sent);
        });
        var notifiers = new List<BatchNotifier>();
        for (int i = 0; i < 20; i++)
        {
            var (batch, done) = OtlpSamples.LogsBatch(2);
            notifiers.Add(done);
            await queue.ConsumeAsync(batch, CancellationToken.None);
        }

        await queue.ShutdownAsync(CancellationToken.None);

        Assert.Equal(20, sent);
        foreach (var done in notifiers)
        {
            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        }

        Assert.Equal(40, SelfMetrics.SentValue(_id.ToString(), Signal.Logs));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task At_the_shutdown_deadline_what_is_left_is_completed_as_errored()
    {
        var queue = await StartAsync<MetricsBatch>(new SendingQueueOptions { NumConsumers = 2 }, (_, _) => throw new RetryableException("backend down"));
        var notifiers = new List<BatchNotifier>();
        for (int i = 0; i < 5; i++)
        {
            var (batch, done) = OtlpSamples.MetricsBatch(1);
            notifiers.Add(done);
            await queue.ConsumeAsync(batch, CancellationToken.None);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await queue.ShutdownAsync(deadline.Token).WaitAsync(TimeSpan.FromSeconds(10));

        foreach (var done in notifiers)
        {
            Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
        }

        Assert.Equal(10, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Metrics, "shutdown"));

        var (late, lateDone) = OtlpSamples.MetricsBatch(1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ConsumeAsync(late, CancellationToken.None).AsTask());
        Assert.Equal(DeliveryStatus.Errored, await lateDone.Outcome());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Transient_failures_are_retried_until_delivered()
    {
        int attempts = 0;
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions(), (_, _) =>
            Interlocked.Increment(ref attempts) <= 2 ? throw new HttpRequestException("connection refused") : ValueTask.CompletedTask);
        var (batch, done) = OtlpSamples.TracesBatch(2);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        Assert.Equal(3, attempts);
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_permanent_failure_is_never_retried()
    {
        int attempts = 0;
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions(), (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new PermanentException("bad data");
        });
        var (batch, done) = OtlpSamples.TracesBatch(2);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
        Assert.Equal(1, attempts);
        Assert.Equal(2, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Traces, "permanent"));
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Retries_stop_after_max_elapsed_time()
    {
        var queue = await StartAsync<LogsBatch>(new SendingQueueOptions(), (_, _) => throw new RetryableException("still down"), maxElapsed: TimeSpan.FromMilliseconds(200));
        var (batch, done) = OtlpSamples.LogsBatch(3);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
        Assert.Equal(3, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Logs, "retries_exhausted"));
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_retry_after_longer_than_max_elapsed_time_does_not_hold_the_batch_past_it()
    {
        int attempts = 0;
        var time = new FakeTimeProvider();
        var queue = await StartAsync<LogsBatch>(new SendingQueueOptions(), (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new RetryableException("throttled", TimeSpan.FromMinutes(10));
        }, maxElapsed: TimeSpan.FromMilliseconds(300), time: time);
        var (batch, done) = OtlpSamples.LogsBatch(1);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        // The clock moves only here, in steps far shorter than the ten minutes asked for: without the budget the
        // retry would wait for all of them; with it the second attempt comes at 300 ms and is the last.
        await AdvanceUntilAsync(time, done.Completion, TimeSpan.FromMilliseconds(100));
        Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
        Assert.Equal(2, attempts);
        Assert.True(time.GetUtcNow() - time.Start < TimeSpan.FromSeconds(1), $"gave up only after {time.GetUtcNow() - time.Start}");
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_partial_success_counts_only_the_accepted_items_as_sent()
    {
        var queue = new RequestExporter<TracesBatch>(_id, Telemetry, new SendingQueueOptions(), FastRetry(), TimeSpan.FromSeconds(5),
            new CountingEncoder<TracesBatch>(Message<TracesBatch>()), new DelegateSender((_, _) => ValueTask.FromResult(new SendResult(2, "too old"))), new RecordingLogger());
        await queue.StartAsync(CancellationToken.None);
        var (batch, done) = OtlpSamples.TracesBatch(5);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        Assert.Equal(3, SelfMetrics.SentValue(_id.ToString(), Signal.Traces));
        Assert.Equal(2, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Traces, "partial_success"));
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_attempt_past_the_timeout_is_cancelled_and_retried()
    {
        int attempts = 0;
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions(), async (_, token) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(Timeout.Infinite, token);
            }
        }, timeout: TimeSpan.FromMilliseconds(100));
        var (batch, done) = OtlpSamples.TracesBatch(1);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        Assert.Equal(2, attempts);
        await queue.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_a_queue_the_caller_waits_for_the_send()
    {
        var queue = await StartAsync<TracesBatch>(new SendingQueueOptions { Enabled = false }, async (_, _) => await Task.Yield());
        var (batch, done) = OtlpSamples.TracesBatch(1);

        await queue.ConsumeAsync(batch, CancellationToken.None);

        Assert.True(done.IsCompleted);
        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        await queue.ShutdownAsync(CancellationToken.None);
    }

    private async Task<RequestExporter<TBatch>> StartAsync<TBatch>(
        SendingQueueOptions options,
        Func<ExportRequest, CancellationToken, ValueTask> send,
        TimeSpan? maxElapsed = null,
        TimeSpan? timeout = null,
        TimeProvider? time = null,
        IRequestEncoder<TBatch>? encoder = null)
        where TBatch : Batch
    {
        var queue = new RequestExporter<TBatch>(
            _id, Telemetry, options, FastRetry(maxElapsed), timeout ?? TimeSpan.FromSeconds(5),
            encoder ?? new CountingEncoder<TBatch>(Message<TBatch>()), DelegateSender.Accepting(send), new RecordingLogger(), time);
        await queue.StartAsync(CancellationToken.None);
        return queue;
    }

    internal static Func<TBatch, IMessage> Message<TBatch>()
        where TBatch : Batch => batch => batch switch
        {
            TracesBatch traces => traces.Data,
            MetricsBatch metrics => metrics.Data,
            LogsBatch logs => logs.ToOtlp(),
            _ => throw new ArgumentException(batch.GetType().Name),
        };

    /// <summary>Moves the fake clock in steps until <paramref name="until"/> completes (a positive signal, not a sleep).</summary>
    internal static async Task AdvanceUntilAsync(FakeTimeProvider time, Task until, TimeSpan step)
    {
        while (!until.IsCompleted)
        {
            time.Advance(step);
            await Task.WhenAny(until, Task.Delay(5));
        }
    }

    private static RetryOptions FastRetry(TimeSpan? maxElapsed = null) => new()
    {
        InitialInterval = TimeSpan.FromMilliseconds(20),
        MaxInterval = TimeSpan.FromMilliseconds(50),
        MaxElapsedTime = maxElapsed ?? TimeSpan.FromSeconds(20),
    };

    /// <summary>A backend whose sends hang until released, counting how many run at once.</summary>
    private sealed class BlockingBackend
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _maxInFlight;
        private int _sent;

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int Sent => Volatile.Read(ref _sent);

        public async ValueTask SendAsync(ExportRequest request, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref _inFlight);
            int max;
            while ((max = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
            {
            }

            try
            {
                await _released.Task.WaitAsync(cancellationToken);
                Interlocked.Increment(ref _sent);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public void Release() => _released.TrySetResult();

        public async Task WaitInFlightAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Volatile.Read(ref _inFlight) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Volatile.Read(ref _inFlight)} of {count} sends started");
                await Task.Delay(5);
            }
        }
    }
}
