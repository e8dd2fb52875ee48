using System.Reflection;
using System.Text;

namespace Agent.Config;

/// <summary>
/// The configuration used when no <c>--config</c> is given: the DaemonSet pipelines inside a pod with a service
/// account, the sidecar ones in a pod without one (the downward-API POD_NAME, POD_NAMESPACE and POD_UID set), the
/// standalone ones elsewhere. Exporters come from the environment (OTEL_EXPORTER_OTLP_ENDPOINT for
/// OTLP, LOKI_ENDPOINT for logs); with none set, everything goes to the debug exporter so the agent still shows
/// what it receives.
/// </summary>
internal static class DefaultConfig
{
    private const string ServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    private const string MachineIdFile = "/etc/machine-id";

    public static (string Name, string Yaml) For(Func<string, string?> environment, Func<string, bool> fileExists) =>
        For(environment, fileExists, HostFacts.Read);

    internal static (string Name, string Yaml) For(Func<string, string?> environment, Func<string, bool> fileExists, Func<HostFacts> host)
    {
        bool inPod = !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && fileExists(ServiceAccountToken);
        bool sidecar = !inPod && new[] { "POD_NAME", "POD_NAMESPACE", "POD_UID" }.All(name => !string.IsNullOrEmpty(environment(name)));
        string name = inPod ? "daemonset" : sidecar ? "sidecar" : "standalone";
        string yaml = Render(Template(name), environment);
        if (name == "standalone")
        {
            yaml = yaml.Replace("@HOST_ATTRIBUTES@", host().ToResourceActions(), StringComparison.Ordinal);
        }

        return ($"embedded:{name}.yaml", yaml);
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

    /// <summary>What a standalone host says about itself: <c>host.name</c>, <c>os.type</c> and <c>host.id</c>.</summary>
    internal sealed record HostFacts(string Name, string OsType, string? Id)
    {
        public static HostFacts Read()
        {
            string? id = null;
            try
            {
                id = File.Exists(MachineIdFile) ? File.ReadAllText(MachineIdFile).Trim() : null;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            string os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown";
            return new HostFacts(Environment.MachineName, os, string.IsNullOrEmpty(id) ? null : id);
        }

        /// <summary>The <c>resource</c> processor's insert actions, so what an application set is kept.</summary>
        public string ToResourceActions()
        {
            var text = new StringBuilder();
            Append(text, "host.name", Name);
            Append(text, "os.type", OsType);
            if (Id is not null)
            {
                Append(text, "host.id", Id);
            }

            return text.ToString().TrimEnd();
        }

        private static void Append(StringBuilder text, string key, string value)
        {
            // Single-quoted YAML: only the quote itself needs doubling; '$' is doubled against env substitution.
            string quoted = value.Replace("'", "''", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
            text.Append("      - {key: ").Append(key).Append(", value: '").Append(quoted).AppendLine("', action: insert}");
        }
    }
}
