using Agent.Core.Components;
using Agent.Core.Telemetry;

namespace Agent.Connectors.SpanMetrics;

/// <summary>The connector's own metrics, labelled with its id: what went to overflow series and what it could not count.</summary>
internal sealed class SpanMetricsTelemetry
{
    private readonly ICounter _overflowed;
    private readonly ICounter _withoutService;
    private readonly ICounter _afterShutdown;
    private readonly IGauge _series;
    private readonly ICounter _expired;

    public SpanMetricsTelemetry(ITelemetryRegistry registry, ComponentId connector)
    {
        string[] label = ["connector"];
        string[] id = [connector.ToString()];
        _overflowed = registry.Counter(
            "agent_spanmetrics_overflow_spans_total", "Spans counted into an overflow series because the cardinality or resource limit was reached.", label, id);
        _withoutService = registry.Counter(
            "agent_spanmetrics_dropped_spans_total", "Spans not counted, by reason.", ["connector", "reason"], [id[0], "no_service_name"]);
        _afterShutdown = registry.Counter(
            "agent_spanmetrics_dropped_spans_total", "Spans not counted, by reason.", ["connector", "reason"], [id[0], "shutdown"]);
        _expired = registry.Counter(
            "agent_spanmetrics_expired_series_total", "Series forgotten after metrics_expiration without a span.", label, id);
        _series = registry.Gauge("agent_spanmetrics_series", "Series the connector holds, overflow series included.", label, id);
    }

    public void Counted(in AggregateResult result)
    {
        if (result.Overflowed > 0)
        {
            _overflowed.Add(result.Overflowed);
        }

        if (result.WithoutService > 0)
        {
            _withoutService.Add(result.WithoutService);
        }
    }

    public void RefusedAfterShutdown(int spans) => _afterShutdown.Add(spans);

    public void SetSeries(int series) => _series.Set(series);

    public void Expired(int series)
    {
        if (series > 0)
        {
            _expired.Add(series);
        }
    }
}
