using System.Collections.Concurrent;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Scraping;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>
/// One scrape config run for real over HTTP on a fake clock: the test moves the clock on an interval at a time until
/// the batch it waits for arrives (the scrapes themselves, and their timeouts, run in real time). Targets come from a
/// source the test can change.
/// </summary>
internal sealed class ScrapeHarness : IAsyncDisposable
{
    private readonly JobScraper _job;
    private readonly ConcurrentQueue<ResourceMetrics> _received = new();
    private readonly MovableTargets _targets = new();

    public ScrapeHarness(ScrapeConfig config, params string[] targets)
        : this(config, null, targets)
    {
    }

    /// <summary>Targets from <paramref name="source"/> (a Kubernetes discovery) instead of the movable list.</summary>
    public ScrapeHarness(ScrapeConfig config, ITargetSource source)
        : this(config, source, [])
    {
    }

    private ScrapeHarness(ScrapeConfig config, ITargetSource? source, string[] targets)
    {
        Config = config;
        Receiver = new ComponentId("prometheus", Guid.NewGuid().ToString("N")[..8]);
        var context = new TestHost().Context(Receiver, new PrometheusReceiverOptions());
        var consumer = new RecordingConsumer<MetricsBatch> { Inspect = (batch, _) => Keep(batch) };
        _targets.Set(targets);
        _job = new JobScraper(
            config,
            [source ?? _targets],
            new ReceiverHelper(context, NullLogger.Instance),
            consumer,
            new TargetTelemetry(context.Host.Telemetry, Receiver, config.JobName),
            Time,
            Logger);
        _job.Start();
    }

    public ScrapeConfig Config { get; }

    /// <summary>The targets being scraped now.</summary>
    public IReadOnlyList<ScrapeTarget> Targets => [.. _job.Targets.Select(t => t.Target)];

    public ComponentId Receiver { get; }

    /// <summary>What the scraper logged (why a scrape failed), for assertion messages.</summary>
    public Agent.Tests.Exporters.RecordingLogger Logger { get; } = new();

    public string Log => string.Join("\n", Logger.Messages);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Every batch so far, one resource (one target's scrape or stop) each.</summary>
    public IReadOnlyList<ResourceMetrics> Received => [.. _received];

    /// <summary>Replaces the targets, as a discovery update would.</summary>
    public void SetTargets(params string[] targets) => _targets.Set(targets);

    /// <summary>Moves the clock an interval at a time until <paramref name="done"/> holds for what arrived.</summary>
    public Task WaitAsync(Func<IReadOnlyList<ResourceMetrics>, bool> done, string what, bool advance = true) =>
        Eventually.UntilAsync(
            () =>
            {
                if (advance)
                {
                    Time.Advance(Config.ScrapeInterval);
                }

                return done(Received);
            },
            what);

    /// <summary>The batches of <paramref name="instance"/> that report a scrape (they carry <c>up</c>, not its staleness marker).</summary>
    public static IReadOnlyList<ResourceMetrics> Scrapes(IReadOnlyList<ResourceMetrics> received, string instance) =>
        [.. received.Where(r => Instance(r) == instance && Metric(r, "up") is { } up && (up.Gauge.DataPoints[0].Flags & (uint)DataPointFlags.NoRecordedValueMask) == 0)];

    public static string Instance(ResourceMetrics resource) =>
        resource.Resource.Attributes.First(a => a.Key == "service.instance.id").Value.StringValue;

    public static Metric? Metric(ResourceMetrics resource, string name) =>
        resource.ScopeMetrics.SelectMany(s => s.Metrics).FirstOrDefault(m => m.Name == name);

    public static double Up(ResourceMetrics scrape) => Metric(scrape, "up")!.Gauge.DataPoints[0].AsDouble;

    public double Failures(string reason) => SelfMetrics.Value(
        "agent_prometheus_scrape_failures_total", ("receiver", Receiver.ToString()), ("job", Config.JobName), ("reason", reason));

    public async ValueTask DisposeAsync()
    {
        await _job.StopAsync(CancellationToken.None);
        await _job.DisposeAsync();
    }

    private void Keep(MetricsBatch batch)
    {
        foreach (var resource in batch.Data.ResourceMetrics)
        {
            _received.Enqueue(resource.Clone());
        }
    }

    /// <summary>A discovery source whose one group the test replaces.</summary>
    private sealed class MovableTargets : ITargetSource
    {
        private readonly Lock _gate = new();
        private Action<IReadOnlyList<TargetGroup>>? _update;
        private string[] _targets = [];

        public void Set(string[] targets)
        {
            Action<IReadOnlyList<TargetGroup>>? update;
            lock (_gate)
            {
                _targets = targets;
                update = _update;
            }

            update?.Invoke(Groups(targets));
        }

        public Task RunAsync(Action<IReadOnlyList<TargetGroup>> update, CancellationToken cancellationToken)
        {
            string[] targets;
            lock (_gate)
            {
                _update = update;
                targets = _targets;
            }

            update(Groups(targets));
            return Task.CompletedTask;
        }

        private static TargetGroup[] Groups(string[] targets) =>
        [
            new TargetGroup(
                "test",
                [.. targets.Select(address => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["__address__"] = address })],
                new Dictionary<string, string>()),
        ];
    }
}
