using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.Scraping;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>The <c>containermetrics</c> receiver type: container and pod metrics from the cgroup tree, as cAdvisor gives them.</summary>
public sealed class ContainerMetricsReceiverFactory()
    : ReceiverFactory<ContainerMetricsReceiverOptions>("containermetrics", Stability.Alpha, Signal.Metrics)
{
    protected override IComponent Create(ComponentContext context, ContainerMetricsReceiverOptions options, ReceiverConsumers consumers) =>
        new ScraperController(
            context,
            options,
            consumers.Metrics ?? throw new InvalidOperationException($"receiver {context.Id} produces metrics only; use it in a metrics pipeline"),
            [new CgroupScraper(options, TimeProvider.System, context.Host)]);
}
