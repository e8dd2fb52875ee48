using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Receivers.Otlp;

/// <summary>The <c>otlp</c> receiver type: OTLP over gRPC and HTTP (protobuf and JSON) for all three signals.</summary>
public sealed class OtlpReceiverFactory : IReceiverFactory
{
    public string Type => "otlp";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals { get; } = [Signal.Traces, Signal.Metrics, Signal.Logs];

    public object CreateDefaultOptions() => new OtlpReceiverOptions();

    public IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers) =>
        new OtlpReceiver(context.Id, (OtlpReceiverOptions)context.Options, consumers, context.Host.LoggerFactory);
}
