using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>The <c>filelog</c> receiver type: tails container log files (CRI, docker json-file) and plain files.</summary>
public sealed class PodLogsReceiverFactory()
    : ReceiverFactory<PodLogsReceiverOptions>("filelog", Stability.Alpha, Signal.Logs)
{
    protected override IComponent Create(ComponentContext context, PodLogsReceiverOptions options, ReceiverConsumers consumers) =>
        new PodLogsReceiver(
            context,
            consumers.Logs ?? throw new InvalidOperationException($"receiver {context.Id} produces logs only; use it in a logs pipeline"));
}
