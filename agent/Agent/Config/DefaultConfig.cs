using System.Reflection;
using System.Text;

namespace Agent.Config;

/// <summary>
/// The configuration used when no <c>--config</c> is given: the DaemonSet pipelines inside a pod with a service
/// account, the standalone ones elsewhere. Exporters come from the environment (OTEL_EXPORTER_OTLP_ENDPOINT for
/// OTLP, LOKI_ENDPOINT for logs); with none set, everything goes to the debug exporter so the agent still shows
/// what it receives.
/// </summary>
internal static class DefaultConfig
{
    private const string ServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    public static (string Name, string Yaml) For(Func<string, string?> environment, Func<string, bool> fileExists)
    {
        bool inPod = !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && fileExists(ServiceAccountToken);
        string name = inPod ? "daemonset" : "standalone";
        return ($"embedded:{name}.yaml", Render(Template(name), environment));
    }

    internal static string Render(string template, Func<string, string?> environment)
    {
        var exporters = new StringBuilder();
        List<string> traces = [], metrics = [], logs = [];
        if (!string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            exporters.AppendLine("  otlp:");
            exporters.AppendLine("    endpoint: ${env:OTEL_EXPORTER_OTLP_ENDPOINT}");
            exporters.AppendLine("    tls:");
            exporters.AppendLine("      insecure: ${env:OTEL_EXPORTER_OTLP_INSECURE:-false}");
            traces.Add("otlp");
            metrics.Add("otlp");
            logs.Add("otlp");
        }

        if (!string.IsNullOrEmpty(environment("LOKI_ENDPOINT")))
        {
            exporters.AppendLine("  loki:");
            exporters.AppendLine("    endpoint: ${env:LOKI_ENDPOINT}");
            if (!string.IsNullOrEmpty(environment("LOKI_TENANT")))
            {
                exporters.AppendLine("    tenant:");
                exporters.AppendLine("      value: ${env:LOKI_TENANT}");
            }
            logs.Clear();
            logs.Add("loki");
        }

        if (traces.Count == 0 || metrics.Count == 0 || logs.Count == 0)
        {
            exporters.AppendLine("  debug:");
            exporters.AppendLine("    verbosity: basic");
            AddIfEmpty(traces);
            AddIfEmpty(metrics);
            AddIfEmpty(logs);
        }

        return template
            .Replace("@EXPORTERS@", exporters.ToString().TrimEnd(), StringComparison.Ordinal)
            .Replace("@TRACES@", $"[{string.Join(", ", traces)}]", StringComparison.Ordinal)
            .Replace("@METRICS@", $"[{string.Join(", ", metrics)}]", StringComparison.Ordinal)
            .Replace("@LOGS@", $"[{string.Join(", ", logs)}]", StringComparison.Ordinal);
    }

    internal static string Template(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Agent.Config.Defaults.{name}.yaml")
            ?? throw new InvalidOperationException($"embedded config {name} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static void AddIfEmpty(List<string> exporters)
    {
        if (exporters.Count == 0)
        {
            exporters.Add("debug");
        }
    }
}
