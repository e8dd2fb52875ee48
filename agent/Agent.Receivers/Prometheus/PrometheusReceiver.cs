using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Receivers.Prometheus.Scraping;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Prometheus;

/// <summary>The <c>prometheus</c> receiver: one <see cref="JobScraper"/> per scrape config, each target on its own timer.</summary>
internal sealed class PrometheusReceiver : IComponent
{
    private readonly ReceiverHelper _receiving;
    private readonly List<JobScraper> _jobs;

    public PrometheusReceiver(ComponentContext context, PrometheusReceiverOptions options, IConsumer<MetricsBatch> next, TimeProvider time)
    {
        var logger = context.CreateLogger<PrometheusReceiver>();
        _receiving = new ReceiverHelper(context, logger);
        _jobs = [.. options.Config.ScrapeConfigs.Select(config => new JobScraper(
            config,
            Sources(context, config, logger),
            _receiving,
            next,
            new TargetTelemetry(context.Host.Telemetry, context.Id, config.JobName),
            time,
            logger))];
    }

    internal IReadOnlyList<JobScraper> Jobs => _jobs;

    /// <summary>The job's static targets and one Kubernetes discovery per <c>kubernetes_sd_configs</c> entry.</summary>
    private static List<ITargetSource> Sources(ComponentContext context, ScrapeConfig config, ILogger logger)
    {
        List<ITargetSource> sources = [new StaticTargetSource(config.StaticConfigs)];
        var telemetry = new DiscoveryTelemetry(context.Host.Telemetry, context.Id, config.JobName);
        sources.AddRange(config.KubernetesSdConfigs.Select(sd => new KubernetesTargetSource(sd, telemetry, logger)));
        return sources;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in _jobs)
        {
            job.Start();
        }

        return Task.CompletedTask;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        using (_receiving.AbandonWhen(cancellationToken))
        {
            await Task.WhenAll(_jobs.Select(job => job.StopAsync(cancellationToken))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var job in _jobs)
        {
            await job.DisposeAsync().ConfigureAwait(false);
        }
    }
}
