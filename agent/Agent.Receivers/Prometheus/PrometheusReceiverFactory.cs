using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Receivers.Prometheus;

/// <summary>The <c>prometheus</c> receiver type: scrapes Prometheus endpoints with Prometheus' own scrape_configs.</summary>
public sealed class PrometheusReceiverFactory()
    : ReceiverFactory<PrometheusReceiverOptions>("prometheus", Stability.Alpha, Signal.Metrics)
{
    protected override IComponent Create(ComponentContext context, PrometheusReceiverOptions options, ReceiverConsumers consumers) =>
        new PrometheusReceiver(
            context,
            options,
            consumers.Metrics ?? throw new InvalidOperationException($"receiver {context.Id} produces metrics only; use it in a metrics pipeline"),
            TimeProvider.System);
}
