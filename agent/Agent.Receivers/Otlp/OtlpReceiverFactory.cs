using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Receivers.Otlp;

/// <summary>The <c>otlp</c> receiver type: OTLP over gRPC and HTTP (protobuf and JSON) for all three signals.</summary>
public sealed class OtlpReceiverFactory()
    : ReceiverFactory<OtlpReceiverOptions>("otlp", Stability.Beta, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IComponent Create(ComponentContext context, OtlpReceiverOptions options, ReceiverConsumers consumers) =>
        new OtlpReceiver(context, options, consumers);
}
