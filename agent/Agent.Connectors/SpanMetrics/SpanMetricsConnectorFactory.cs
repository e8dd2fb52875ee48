using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Connectors.SpanMetrics;

/// <summary><c>spanmetrics</c>: request, error and duration (RED) metrics from the spans of a traces pipeline.</summary>
public sealed class SpanMetricsConnectorFactory : ConnectorFactory<SpanMetricsConnectorOptions>
{
    public SpanMetricsConnectorFactory()
        : base("spanmetrics")
    {
        AddRoute<TracesBatch, MetricsBatch>(Stability.Alpha, static (context, options, next) => new SpanMetricsConnector(context, options, next));
    }
}
