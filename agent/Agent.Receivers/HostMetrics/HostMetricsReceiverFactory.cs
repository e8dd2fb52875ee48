using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.Scraping;

namespace Agent.Receivers.HostMetrics;

/// <summary>The <c>hostmetrics</c> receiver type: the node's CPU, memory, disks, file systems, network, load, paging and processes.</summary>
public sealed class HostMetricsReceiverFactory()
    : ReceiverFactory<HostMetricsReceiverOptions>("hostmetrics", Stability.Alpha, Signal.Metrics)
{
    protected override IComponent Create(ComponentContext context, HostMetricsReceiverOptions options, ReceiverConsumers consumers) =>
        new ScraperController(
            context,
            options,
            consumers.Metrics ?? throw new InvalidOperationException($"receiver {context.Id} produces metrics only; use it in a metrics pipeline"),
            HostScrapers.Create(options, TimeProvider.System));
}
