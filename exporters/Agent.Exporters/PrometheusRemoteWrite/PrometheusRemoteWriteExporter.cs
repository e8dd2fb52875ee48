using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Sends metrics to a Prometheus remote-write endpoint. Each batch is translated and encoded once into requests by
/// series shard, so a series' samples leave in order while shards go in parallel; 429 and 5xx are retried with the
/// same bytes. A timer feeds the exporter an empty batch now and then, which encodes the staleness markers due;
/// on shutdown every series sent is marked stale before the queue drains. With <c>remote_write_queue.storage</c>
/// the encoded requests wait on disk, shard by shard, so after a restart they (and the markers of a graceful
/// stop) go out before anything newer of their series.
/// </summary>
public sealed class PrometheusRemoteWriteExporter : IExporter
{
    private readonly string _name;
    private readonly Uri _endpoint;
    private readonly HttpClient _http;
    private readonly RemoteWriteEncoder _encoder;
    private readonly RequestExporter<MetricsBatch> _queue;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private int _stopped;

    public PrometheusRemoteWriteExporter(ComponentContext context, PrometheusRemoteWriteExporterOptions options, HttpClient? http = null, TimeProvider? time = null)
    {
        _name = context.Id.ToString();
        _time = time ?? TimeProvider.System;
        var telemetry = context.ExporterTelemetry();
        _logger = context.CreateLogger<PrometheusRemoteWriteExporter>();
        _endpoint = new Uri(options.Endpoint ?? string.Empty, UriKind.Absolute);
        _http = http ?? HttpHandlerBuilder.CreateClient(options, _logger);
        _encoder = new RemoteWriteEncoder(options, telemetry, _time);
        var sender = new RemoteWriteSender(_name, _endpoint, _http, options.Headers, telemetry, _logger);
        var queue = options.SendingQueue();
        _queue = new RequestExporter<MetricsBatch>(context.Id, telemetry, queue, options.RetryOnFailure, options.Timeout, _encoder, sender, _logger, _time, QueueStorage.Locate(context, queue, "remote_write_queue"));

        // Check for silent series four times per silence, but not more than once a second nor less than every 30s.
        var after = options.StaleMarkers.After;
        _tick = options.StaleMarkers.Enabled && after > TimeSpan.Zero
            ? TimeSpan.FromTicks(Math.Clamp(after.Ticks / 4, TimeSpan.TicksPerSecond / 4, TimeSpan.TicksPerSecond * 30))
            : Timeout.InfiniteTimeSpan;
    }

    public IConsumer<TracesBatch>? Traces => null;

    public IConsumer<MetricsBatch>? Metrics => _queue;

    public IConsumer<LogsBatch>? Logs => null;

    /// <summary>Series remembered for staleness markers.</summary>
    internal int TrackedSeries => _encoder.TrackedSeries;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _queue.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_tick != Timeout.InfiniteTimeSpan)
        {
            _timer = _time.CreateTimer(static state => ((PrometheusRemoteWriteExporter)state!).Tick(), this, _tick, _tick);
        }
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        // Every series this exporter sent ends now: its markers go out through the queue, before it drains.
        _encoder.Stopping();
        try
        {
            await _queue.ConsumeAsync(new MetricsBatch(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            _logger.LogWarning("Exporter {Exporter} could not queue its staleness markers: {Error}", _name, ex.Message);
        }

        await _queue.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        _encoder.Dispose();
        _http.Dispose();
    }

    private void Tick()
    {
        // The markers are queued like any batch; a full queue just delays them to a later tick.
        _ = _queue.ConsumeAsync(new MetricsBatch(), CancellationToken.None).AsTask().ContinueWith(
            static (task, state) => ((ILogger)state!).LogDebug(task.Exception, "Staleness markers not queued"),
            _logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    public override string ToString() => $"prometheusremotewrite exporter {_name} → {_endpoint}";
}
