using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Connectors.Forward;

/// <summary><c>forward</c>: passes each signal on unchanged from the pipelines that export to it to those that receive from it.</summary>
public sealed class ForwardConnectorFactory : ConnectorFactory<ForwardConnectorOptions>
{
    public ForwardConnectorFactory()
        : base("forward")
    {
        AddRoute<TracesBatch, TracesBatch>(Stability.Beta, static (_, _, next) => new ForwardConnector<TracesBatch>(next));
        AddRoute<MetricsBatch, MetricsBatch>(Stability.Beta, static (_, _, next) => new ForwardConnector<MetricsBatch>(next));
        AddRoute<LogsBatch, LogsBatch>(Stability.Beta, static (_, _, next) => new ForwardConnector<LogsBatch>(next));
    }
}
