using Agent.Core.Components;
using Agent.Extensions.FileStorage;
using Agent.Extensions.HealthCheck;
using Agent.Receivers.Otlp;

namespace Agent.Service;

/// <summary>Every component type the agent ships, by section. Add a factory here to make its type configurable.</summary>
internal static class BuiltInComponents
{
    public static IReadOnlyList<IReceiverFactory> Receivers { get; } =
    [
        new OtlpReceiverFactory(),
        new Agent.Receivers.PodLogs.PodLogsReceiverFactory(),
        new Agent.Receivers.ContainerMetrics.ContainerMetricsReceiverFactory(),
        new Agent.Receivers.HostMetrics.HostMetricsReceiverFactory(),
        new Agent.Receivers.Prometheus.PrometheusReceiverFactory(),
    ];

    public static IReadOnlyList<IProcessorFactory> Processors { get; } =
    [
        new Agent.Processors.Batch.BatchProcessorFactory(),
        new Agent.Processors.Resource.ResourceProcessorFactory(),
        new Agent.Processors.K8sAttributes.K8sAttributesProcessorFactory(),
        new Agent.Processors.ServiceMapping.ServiceMappingProcessorFactory(),
        new Agent.Processors.MemoryLimiter.MemoryLimiterProcessorFactory(),
    ];

    public static IReadOnlyList<IExporterFactory> Exporters { get; } =
    [
        new Agent.Exporters.Otlp.OtlpExporterFactory(),
        new Agent.Exporters.OtlpHttp.OtlpHttpExporterFactory(),
        new Agent.Exporters.Debug.DebugExporterFactory(),
        new Agent.Exporters.Loki.LokiExporterFactory(),
        new Agent.Exporters.PrometheusRemoteWrite.PrometheusRemoteWriteExporterFactory(),
    ];

    public static IReadOnlyList<IConnectorFactory> Connectors { get; } =
    [
        new Agent.Connectors.Forward.ForwardConnectorFactory(),
        new Agent.Connectors.SpanMetrics.SpanMetricsConnectorFactory(),
    ];

    public static IReadOnlyList<IExtensionFactory> Extensions { get; } =
    [
        new HealthCheckFactory(),
        new FileStorageFactory(),
        new Agent.Extensions.BearerTokenAuth.BearerTokenAuthFactory(),
    ];
}
