using System.Buffers;
using System.Globalization;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Receivers.Prometheus.Exposition;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// Scrapes one target on its own timer, offset within the interval by a hash of the target (as Prometheus does),
/// so targets spread over the interval and a slow one delays no other. Each scrape is fetched (Accept preferring
/// OpenMetrics, gzip, bounded by the timeout and <c>body_size_limit</c>), read by the target's assembler and sent
/// as one batch with the report series (<c>up</c>, <c>scrape_duration_seconds</c>, …) and staleness markers for
/// what went away; stopping the target sends markers for everything it had, report series included. The report
/// series carry the target's labels as Prometheus attaches them: job and instance through the resource, every other
/// label of the target after relabelling as point attributes.
/// </summary>
internal sealed partial class TargetScraper
{
    private readonly ScrapeTarget _target;
    private readonly ScrapeConfig _config;
    private readonly HttpClient _http;
    private readonly ReceiverHelper _receiving;
    private readonly IConsumer<MetricsBatch> _next;
    private readonly TargetTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ScrapeAssembler _assembler;
    private readonly ScrapeOutcome _outcome = new();
    private readonly CancellationTokenSource _stopping = new();
    private byte[] _body = [];
    private readonly KeyValue[] _reportAttributes;
    private Task _loop = Task.CompletedTask;

    // When the last report was written (0: never), so the markers of a stop come after it.
    private ulong _reportedNanos;

    public TargetScraper(ScrapeTarget target, ScrapeConfig config, HttpClient http, ReceiverHelper receiving, IConsumer<MetricsBatch> next, TargetTelemetry telemetry, TimeProvider time, ILogger logger)
    {
        _target = target;
        _config = config;
        _http = http;
        _receiving = receiving;
        _next = next;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _assembler = new ScrapeAssembler(config, target.Labels);
        _reportAttributes = ReportAttributes(target);
    }

    public ScrapeTarget Target => _target;

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Stops the loop and sends staleness markers for every series the target had.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _assembler.Stop();
        if (_reportedNanos == 0)
        {
            return;
        }

        var scope = NewScope();
        ulong now = Math.Max(Nanos(_time.GetUtcNow()), _reportedNanos + 1_000_000UL);
        GroupWriter.Write(scope, _assembler.Gone, stale: true, now);
        AddReport(scope, now, TimeSpan.Zero, stale: true);
        await SendAsync(scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where in the interval this target is scraped: a hash of the target, as Prometheus spreads them.</summary>
    internal static TimeSpan Offset(string key, TimeSpan interval, DateTimeOffset now)
    {
        // FNV-1a: the same offset on every start of the agent, so a restart does not bunch the targets up.
        ulong hash = 14695981039346656037UL;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        long intervalTicks = interval.Ticks;
        long slot = (long)(hash % (ulong)intervalTicks);
        long phase = now.UtcTicks % intervalTicks;
        return TimeSpan.FromTicks(((slot - phase) % intervalTicks + intervalTicks) % intervalTicks);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await Task.Delay(Offset(_target.Key, _config.ScrapeInterval, _time.GetUtcNow()), _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_config.ScrapeInterval, _time);
            do
            {
                await ScrapeOnceAsync(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    internal async Task ScrapeOnceAsync(CancellationToken stopping)
    {
        var started = _time.GetUtcNow();
        long startedTicks = _time.GetTimestamp();
        _outcome.Clear();
        var (length, format) = await FetchAsync(stopping).ConfigureAwait(false);
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        if (_outcome.Failure is null)
        {
            _assembler.Read(_body.AsSpan(0, length), format, started, _outcome);
        }
        else
        {
            _assembler.Read([], ExpositionFormat.Text, started, new ScrapeOutcome { Failure = _outcome.Failure });
        }

        Count();
        var scope = NewScope();
        ulong now = Nanos(started);
        if (_outcome.Failure is null)
        {
            GroupWriter.Write(scope, _assembler.Seen, stale: false, 0);
        }

        GroupWriter.Write(scope, _assembler.Gone, stale: true, now);
        AddReport(scope, now, _time.GetElapsedTime(startedTicks), stale: false);
        _reportedNanos = now;
        await SendAsync(scope, stopping).ConfigureAwait(false);
    }

    private async Task<(int Length, ExpositionFormat Format)> FetchAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_config.EffectiveTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _target.Url);
            request.Headers.TryAddWithoutValidation("Accept", ExpositionFormats.Accept);
            request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds", _config.EffectiveTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                _outcome.Failure = "http_status";
                LogFailed(_logger, _target.Url, $"HTTP {(int)response.StatusCode}");
                return (0, ExpositionFormat.Text);
            }

            var format = ExpositionFormats.FromContentType(response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                return (await ReadBodyAsync(body, timeout.Token).ConfigureAwait(false), format);
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            _outcome.Failure = "timeout";
            LogFailed(_logger, _target.Url, $"no answer within {_config.EffectiveTimeout}");
        }
        catch (HttpRequestException ex)
        {
            _outcome.Failure = "connection";
            LogFailed(_logger, _target.Url, ex.Message);
        }
        catch (IOException ex)
        {
            _outcome.Failure = "connection";
            LogFailed(_logger, _target.Url, ex.Message);
        }
        catch (InvalidDataException ex)
        {
            _outcome.Failure = "bad_gzip";
            LogFailed(_logger, _target.Url, ex.Message);
        }

        return (0, ExpositionFormat.Text);
    }

    /// <summary>Reads the body into the target's buffer, kept across scrapes; past <c>body_size_limit</c> it stops and fails.</summary>
    private async Task<int> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        // Without a limit the buffer may grow to the largest array; with one, to one byte past it (to notice it).
        long limit = _config.BodySizeLimit is { Bytes: > 0 } size ? size.Bytes : long.MaxValue;
        long most = Math.Min(limit, Array.MaxLength - 1) + 1;
        int length = 0;
        while (true)
        {
            if (length == _body.Length)
            {
                int grown = (int)Math.Min(Math.Max(64 * 1024, (long)_body.Length * 2), most);
                if (grown <= _body.Length)
                {
                    break;
                }

                Array.Resize(ref _body, grown);
            }

            int read = await body.ReadAsync(_body.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length;
            }

            length += read;
            if (length > limit)
            {
                break;
            }
        }

        _outcome.Failure = "body_size_limit";
        LogFailed(_logger, _target.Url, $"the body is larger than body_size_limit ({limit} bytes)");
        if (_body.Length > 16 * 1024 * 1024)
        {
            // Do not keep a huge buffer for a target that answers too much.
            _body = [];
        }

        return 0;
    }

    private void Count()
    {
        foreach (var (reason, count) in _outcome.InvalidLines)
        {
            _telemetry.InvalidLines(reason, count);
        }

        foreach (var (reason, count) in _outcome.DroppedSamples)
        {
            _telemetry.DroppedSamples(reason, count);
        }

        if (_outcome.Failure is { } failure)
        {
            _telemetry.ScrapeFailed(failure);
            if (failure is "invalid_exposition" or "sample_limit" or "label_limit")
            {
                LogFailed(_logger, _target.Url, failure);
            }
        }
    }

    /// <summary>The per-target series Prometheus writes after each scrape, or their staleness markers.</summary>
    private void AddReport(ScopeMetrics scope, ulong now, TimeSpan took, bool stale)
    {
        bool up = _outcome.Failure is null;
        Report(scope, "up", up ? 1 : 0, now, stale);
        Report(scope, "scrape_duration_seconds", took.TotalSeconds, now, stale);
        Report(scope, "scrape_samples_scraped", _outcome.Scraped, now, stale);
        Report(scope, "scrape_samples_post_metric_relabeling", up ? _outcome.PostRelabeling : 0, now, stale);
        Report(scope, "scrape_series_added", up ? _outcome.SeriesAdded : 0, now, stale);
    }

    private void Report(ScopeMetrics scope, string name, double value, ulong now, bool stale)
    {
        var point = new NumberDataPoint
        {
            AsDouble = stale ? 0 : value,
            TimeUnixNano = now,
            Flags = stale ? (uint)DataPointFlags.NoRecordedValueMask : 0,
        };
        foreach (var attribute in _reportAttributes)
        {
            point.Attributes.Add(attribute.Clone());
        }

        scope.Metrics.Add(new Metric { Name = name, Gauge = new Gauge { DataPoints = { point } } });
    }

    /// <summary>The target's labels other than job and instance (which the resource carries), in name order.</summary>
    private static KeyValue[] ReportAttributes(ScrapeTarget target) =>
    [
        .. target.Labels
            .Where(l => l.Key is not ("job" or "instance"))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => ScrapeAssembler.Attribute(l.Key, l.Value)),
    ];

    private async Task SendAsync(ScopeMetrics scope, CancellationToken cancellationToken)
    {
        var group = new ResourceMetrics { Resource = ResourceOf(_target), ScopeMetrics = { scope } };
        var request = new ExportMetricsServiceRequest { ResourceMetrics = { group } };
        await _receiving.ReceiveAsync(_next, new MetricsBatch(request), "http", ClientContext.Empty, cancellationToken).ConfigureAwait(false);
    }

    private static ScopeMetrics NewScope() => new() { Scope = new InstrumentationScope { Name = "agent/receiver/prometheus" } };

    /// <summary>The resource the Collector's receiver gives a target: service.name = job, service.instance.id = instance.</summary>
    internal static Resource ResourceOf(ScrapeTarget target)
    {
        var resource = new Resource
        {
            Attributes =
            {
                ScrapeAssembler.Attribute("service.name", target.Job),
                ScrapeAssembler.Attribute("service.instance.id", target.Instance),
                ScrapeAssembler.Attribute("url.scheme", target.Url.Scheme),
            },
        };
        int colon = target.Instance.LastIndexOf(':');
        if (colon > 0 && int.TryParse(target.Instance.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            resource.Attributes.Add(ScrapeAssembler.Attribute("server.address", target.Instance[..colon]));
            resource.Attributes.Add(ScrapeAssembler.Attribute("server.port", target.Instance[(colon + 1)..]));
        }

        return resource;
    }

    private static ulong Nanos(DateTimeOffset time) => (ulong)time.ToUnixTimeMilliseconds() * 1_000_000UL;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scrape of {Url} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Uri url, string reason);
}
