using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Agent.Tests.Deployment;

/// <summary>What a deployment's agent config asks of its surroundings: variables, ports, components, RBAC.</summary>
internal sealed partial class AgentConfigText(string yaml)
{
    private readonly Dictionary<object, object> _root = new Deserializer().Deserialize<Dictionary<object, object>>(yaml);

    public string Yaml { get; } = yaml;

    /// <summary>Variables read without a default (<c>${env:NAME}</c>): the deployment must define each.</summary>
    public IReadOnlySet<string> RequiredVariables =>
        EnvReference().Matches(Yaml).Where(m => !m.Groups["default"].Success).Select(m => m.Groups["name"].Value).ToHashSet();

    public IReadOnlySet<string> AllVariables => EnvReference().Matches(Yaml).Select(m => m.Groups["name"].Value).ToHashSet();

    /// <summary>service.telemetry.metrics.address: where /metrics, /healthz and /readyz are served.</summary>
    public string TelemetryAddress => (string)Path("service", "telemetry", "metrics", "address")!;

    public int TelemetryPort => int.Parse(TelemetryAddress[(TelemetryAddress.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public object? Path(params string[] keys)
    {
        object? node = _root;
        foreach (string key in keys)
        {
            node = node is Dictionary<object, object> map && map.TryGetValue(key, out object? next) ? next : null;
        }

        return node;
    }

    public IEnumerable<string> Keys(params string[] keys) =>
        Path(keys) is Dictionary<object, object> map ? map.Keys.Select(k => k.ToString()!) : [];

    /// <summary>The (API group, resource) pairs the config's k8sattributes processors list and watch, per the README.</summary>
    public IReadOnlySet<(string Group, string Resource)> WatchedResources()
    {
        var watched = new HashSet<(string, string)>();
        foreach (string processor in Keys("processors").Where(k => k.Split('/')[0] == "k8sattributes"))
        {
            var extract = Path("processors", processor, "extract") as Dictionary<object, object>;
            var metadata = extract is not null && extract.TryGetValue("metadata", out object? keys)
                ? ((List<object>)keys).Select(k => k.ToString()!).ToList()
                : ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.pod.start_time", "k8s.deployment.name", "k8s.node.name"];
            var fromKinds = new[] { "labels", "annotations" }
                .SelectMany(kind => extract is not null && extract.TryGetValue(kind, out object? rules) ? (List<object>)rules : [])
                .Select(rule => ((Dictionary<object, object>)rule).GetValueOrDefault("from")?.ToString() ?? "pod")
                .ToHashSet();
            watched.Add((string.Empty, "pods"));
            if (metadata.Contains("k8s.deployment.name"))
            {
                watched.Add(("apps", "replicasets"));
            }

            if (metadata.Contains("k8s.cluster.uid") || fromKinds.Contains("namespace"))
            {
                watched.Add((string.Empty, "namespaces"));
            }

            if (fromKinds.Contains("node"))
            {
                watched.Add((string.Empty, "nodes"));
            }
        }

        return watched;
    }

    [GeneratedRegex(@"\$\{env:(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<default>:-[^}]*)?\}")]
    private static partial Regex EnvReference();
}
