using System.Threading.Channels;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Receiving;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// <c>spanmetrics</c>, traces to metrics: the end of a traces pipeline that counts each span into its series, and
/// every <c>metrics_flush_interval</c> a source that hands the series to the metrics pipelines through the receiver
/// helper (backpressure, accepted/refused counts under the connector's id). Spans are counted and completed at once;
/// shutdown refuses further spans and flushes one last time.
/// </summary>
public sealed class SpanMetricsConnector : IConnector<TracesBatch>
{
    /// <summary>What the connector hands on is counted as received under an empty transport, like scraped metrics.</summary>
    private const string Transport = "";

    private readonly ComponentContext _context;
    private readonly SpanMetricsPlan _plan;
    private readonly SpanAggregator _aggregator;
    private readonly IConsumer<MetricsBatch> _next;
    private readonly ReceiverHelper _receiving;
    private readonly SpanMetricsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    // One pending tick at most: a flush still waiting on the pipeline absorbs the ticks that pass meanwhile.
    private readonly Channel<bool> _ticks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ITimer? _timer;
    private Task _loop = Task.CompletedTask;
    private bool _stopped;

    public SpanMetricsConnector(ComponentContext context, SpanMetricsConnectorOptions options, IConsumer<MetricsBatch> next, TimeProvider? time = null)
    {
        _context = context;
        _plan = new SpanMetricsPlan(options);
        _aggregator = new SpanAggregator(_plan);
        _next = next;
        _time = time ?? TimeProvider.System;
        _receiving = new ReceiverHelper(context, context.CreateLogger<SpanMetricsConnector>());
        _telemetry = new SpanMetricsTelemetry(context.Host.Telemetry, context.Id);
    }

    /// <summary>Spans are only read; the batch is completed here and nothing downstream sees it.</summary>
    public bool MutatesData => false;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(static state => ((Channel<bool>)state!).Writer.TryWrite(true), _ticks, _plan.FlushInterval, _plan.FlushInterval);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken)
    {
        AggregateResult result;
        lock (_gate)
        {
            if (_stopped)
            {
                _telemetry.RefusedAfterShutdown(batch.ItemCount);
                batch.Complete(DeliveryStatus.Errored);
                throw new InvalidOperationException($"The {_context.Id} connector is shut down.");
            }

            result = _aggregator.Add(batch, NowUnixNano());
        }

        _telemetry.Counted(result);
        batch.Complete(DeliveryStatus.Delivered);
        return ValueTask.CompletedTask;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _timer, null) is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        using (_receiving.AbandonWhen(cancellationToken))
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await FlushAsync().ConfigureAwait(false);
        }
    }

    public override string ToString() => $"{_context.Id} connector, traces to metrics";

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                await _ticks.Reader.ReadAsync(stopping).ConfigureAwait(false);

                // A flush under way when shutdown begins is let finish (up to the deadline), not cut off.
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Hands every series, as it stands now, to the metrics pipelines.</summary>
    private async Task FlushAsync()
    {
        ExportMetricsServiceRequest? request;
        int series;
        int expired = 0;
        lock (_gate)
        {
            ulong now = NowUnixNano();
            if (_plan.ExpirationNanos > 0 && now > _plan.ExpirationNanos)
            {
                expired = _aggregator.Expire(now - _plan.ExpirationNanos);
            }

            request = SpanMetricsWriter.Write(_plan, _aggregator, now);
            series = _aggregator.SeriesCount;
        }

        _telemetry.SetSeries(series);
        _telemetry.Expired(expired);
        if (request is not null)
        {
            await _receiving.ReceiveAsync(_next, new MetricsBatch(request), Transport, ClientContext.Empty, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ulong NowUnixNano() => (ulong)(_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}
