using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Components;

/// <summary>Everything a component needs when it is created: its id, its bound options and the host.</summary>
public sealed record ComponentContext(ComponentId Id, object Options, IComponentHost Host)
{
    /// <summary>A logger named after the component's code.</summary>
    public ILogger CreateLogger<T>() => Host.LoggerFactory.CreateLogger(typeof(T).FullName!);

    /// <summary>State shared by every instance of this component id (one per pipeline) for the whole process.</summary>
    public T Shared<T>(Func<T> create)
        where T : class => Host.GetOrAddShared(Id, create);

    public ReceiverTelemetry ReceiverTelemetry() => new(Host.Telemetry, Id);

    public ProcessorTelemetry ProcessorTelemetry() => new(Host.Telemetry, Id);

    public ExporterTelemetry ExporterTelemetry() => new(Host.Telemetry, Id);
}
