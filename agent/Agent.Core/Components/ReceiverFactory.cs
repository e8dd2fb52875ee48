using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>A receiver type: one instance per id, fed with a consumer for each signal its pipelines carry.</summary>
public abstract class ReceiverFactory<TOptions>(string type, Stability stability, params Signal[] signals)
    : ComponentFactory<TOptions>(type, stability, signals), IReceiverFactory
    where TOptions : class, new()
{
    public IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers)
    {
        RefuseUnsupported(consumers.Traces, Signal.Traces);
        RefuseUnsupported(consumers.Metrics, Signal.Metrics);
        RefuseUnsupported(consumers.Logs, Signal.Logs);
        return Create(context, OptionsOf(context), consumers);
    }

    protected abstract IComponent Create(ComponentContext context, TOptions options, ReceiverConsumers consumers);

    private void RefuseUnsupported(object? consumer, Signal signal)
    {
        if (consumer is not null && !Signals.Contains(signal))
        {
            throw Unsupported(signal);
        }
    }
}
