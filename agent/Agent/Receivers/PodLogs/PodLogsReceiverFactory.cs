using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>The <c>filelog</c> receiver type: tails container log files (CRI, docker json-file) and plain files.</summary>
public sealed class PodLogsReceiverFactory : IReceiverFactory
{
    public string Type => "filelog";

    public Stability Stability => Stability.Alpha;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Logs];

    public object CreateDefaultOptions() => new PodLogsReceiverOptions();

    public IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers) =>
        new PodLogsReceiver(
            context,
            consumers.Logs ?? throw new InvalidOperationException($"receiver {context.Id} produces logs only; use it in a logs pipeline"));
}
