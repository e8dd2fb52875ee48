namespace Agent.Receivers.Scraping;

/// <summary>
/// Which names a metrics receiver emits. <see cref="Prometheus"/> gives node_exporter's and cAdvisor's names and
/// labels, so the community dashboards work unchanged; <see cref="Otel"/> gives the OpenTelemetry semantic
/// conventions' names and attributes.
/// </summary>
public enum MetricNaming
{
    Prometheus,
    Otel,
}
