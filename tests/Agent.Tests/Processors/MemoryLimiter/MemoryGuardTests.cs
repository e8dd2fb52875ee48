using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Processors.MemoryLimiter;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Processors.MemoryLimiter;

/// <summary>The limiter's decisions on a fake memory source and a fake clock, and what a refused batch becomes.</summary>
public class MemoryGuardTests
{
    private const long Mib = 1024 * 1024;
    private static int _instances;

    private readonly FakeTimeProvider _time = new();
    private readonly FakeMemory _memory = new();

    [Fact]
    public void Refuses_at_the_soft_limit_and_accepts_again_below_it_at_the_next_check()
    {
        var guard = Guard(new MemoryLimiterOptions { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 });
        guard.Start();

        _memory.Used = 79 * Mib;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(guard.MustRefuse);

        _memory.Used = 80 * Mib;
        Assert.False(guard.MustRefuse);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(guard.MustRefuse);

        // Soft-limited: the first check forces one collection, which frees nothing here; the next ones wait 10 s.
        Assert.Equal(1, _memory.Collections);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, _memory.Collections);
        Assert.True(guard.MustRefuse);

        _memory.Used = 50 * Mib;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(guard.MustRefuse);
    }

    [Fact]
    public void Over_the_hard_limit_a_collection_is_forced_and_what_it_frees_decides()
    {
        var guard = Guard(new MemoryLimiterOptions
        {
            CheckInterval = TimeSpan.FromSeconds(1),
            LimitMib = 100,
            MinGcIntervalWhenHardLimited = TimeSpan.FromSeconds(3),
            MinGcIntervalWhenSoftLimited = TimeSpan.FromSeconds(10),
        });
        guard.Start();

        _memory.Used = 120 * Mib;
        _memory.AfterCollection = 60 * Mib;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _memory.Collections);
        Assert.False(guard.MustRefuse);

        // Rate-limited: over the hard limit again 2 s later, no second collection yet, so data is refused.
        _memory.Used = 120 * Mib;
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, _memory.Collections);
        Assert.True(guard.MustRefuse);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _memory.Collections);
        Assert.False(guard.MustRefuse);
    }

    [Fact]
    public void Checks_run_only_while_an_instance_is_started_and_stopping_the_last_accepts_again()
    {
        var guard = Guard(new MemoryLimiterOptions { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100 });
        _memory.Used = 95 * Mib;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(guard.MustRefuse);

        guard.Start();
        guard.Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(guard.MustRefuse);

        guard.Stop();
        Assert.True(guard.MustRefuse);
        guard.Stop();
        Assert.False(guard.MustRefuse);
        int checks = _memory.Reads;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(checks, _memory.Reads);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_refused_batch_is_retryable_errored_and_counted_refused_not_dropped()
    {
        var guard = Guard(new MemoryLimiterOptions { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100 });
        var sink = new RecordingConsumer<TracesBatch>();
        var id = new ComponentId("memory_limiter", "guard" + Interlocked.Increment(ref _instances));
        var processor = new MemoryLimiterProcessor<TracesBatch>(new TestHost().Context(id, new MemoryLimiterOptions()), guard, sink);
        await processor.StartAsync(CancellationToken.None);

        await processor.ConsumeAsync(Spans(3), CancellationToken.None);
        Assert.Equal(1, sink.Count);

        _memory.Used = 90 * Mib;
        _time.Advance(TimeSpan.FromSeconds(1));
        var refused = Spans(4);
        var notifier = new Agent.Core.Delivery.BatchNotifier();
        refused.AttachNotifier(notifier);
        var error = await Assert.ThrowsAsync<RetryableException>(() => processor.ConsumeAsync(refused, CancellationToken.None).AsTask());

        Assert.Equal("data refused due to high memory usage", error.Message);
        Assert.Equal(Agent.Core.Delivery.DeliveryStatus.Errored, await notifier.Completion);
        Assert.Equal(1, sink.Count);
        Assert.Equal(4, SelfMetrics.Value("otelcol_processor_refused_spans_total", ("processor", id.ToString())));
        Assert.Equal(0, SelfMetrics.Value("otelcol_processor_dropped_spans_total", ("processor", id.ToString()), ("reason", "refused")));
        await processor.ShutdownAsync(CancellationToken.None);
    }

    private MemoryGuard Guard(MemoryLimiterOptions options) =>
        new(options.Resolve(0), options, _memory, _time, NullLogger.Instance, SelfMetrics.Registry.Counter("test_forced_gc_total", "test", [], []));

    private static TracesBatch Spans(int count)
    {
        var scope = new ScopeSpans();
        for (int i = 0; i < count; i++)
        {
            scope.Spans.Add(new Span { Name = "s" + i });
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans { ScopeSpans = { scope } });
        return new TracesBatch(request);
    }
}
