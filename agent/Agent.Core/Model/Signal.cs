namespace Agent.Core.Model;

/// <summary>The three telemetry signals a pipeline can carry.</summary>
public enum Signal
{
    Traces,
    Metrics,
    Logs,
}

public static class SignalNames
{
    /// <summary>The pipeline type as written in <c>service.pipelines</c> (<c>traces</c>, <c>metrics</c>, <c>logs</c>).</summary>
    public static string ConfigName(this Signal signal) => signal switch
    {
        Signal.Traces => "traces",
        Signal.Metrics => "metrics",
        _ => "logs",
    };

    /// <summary>The item word the Collector's self-metrics use (<c>otelcol_receiver_accepted_spans</c>, ...).</summary>
    public static string ItemName(this Signal signal) => signal switch
    {
        Signal.Traces => "spans",
        Signal.Metrics => "metric_points",
        _ => "log_records",
    };

    /// <summary>The signal a batch type carries.</summary>
    public static Signal OfBatch<TBatch>()
        where TBatch : Batch =>
        typeof(TBatch) == typeof(TracesBatch) ? Signal.Traces
        : typeof(TBatch) == typeof(MetricsBatch) ? Signal.Metrics
        : typeof(TBatch) == typeof(LogsBatch) ? Signal.Logs
        : throw new NotSupportedException($"no signal carries {typeof(TBatch).Name}");

    public static bool TryParse(string text, out Signal signal)
    {
        switch (text)
        {
            case "traces": signal = Signal.Traces; return true;
            case "metrics": signal = Signal.Metrics; return true;
            case "logs": signal = Signal.Logs; return true;
            default: signal = default; return false;
        }
    }
}
