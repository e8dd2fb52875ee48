namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// A short reason for a refused write, for <c>otelcol_exporter_send_failed_metric_points_total</c>, from the
/// wording of Prometheus' TSDB errors (also used by Mimir, Cortex and Thanos); other refusals are <c>http_NNN</c>.
/// </summary>
internal static class RemoteWriteRejection
{
    public static string Reason(int status, string text)
    {
        if (status == 400)
        {
            if (text.Contains("out of order", StringComparison.OrdinalIgnoreCase))
            {
                return "out_of_order";
            }

            if (text.Contains("out of bounds", StringComparison.OrdinalIgnoreCase) ||
                text.Contains("too old", StringComparison.OrdinalIgnoreCase))
            {
                return "out_of_bounds";
            }

            if (text.Contains("duplicate sample", StringComparison.OrdinalIgnoreCase))
            {
                return "duplicate_sample";
            }
        }

        return $"http_{status}";
    }
}
