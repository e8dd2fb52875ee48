using Agent.Core.Config;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// One entry of Prometheus' <c>kubernetes_sd_configs</c>: which objects become targets (<c>role</c>), where the API
/// is (in-cluster when neither <c>api_server</c> nor <c>kubeconfig_file</c> is set), in which namespaces, and the
/// label and field selectors the API applies.
/// </summary>
public sealed class KubernetesSdConfig : IValidatable
{
    public static readonly IReadOnlyList<string> Roles = ["pod", "service", "endpoints", "node"];

    public string Role { get; set; } = string.Empty;

    /// <summary>The API's URL, reached without credentials (a local proxy); unset = the pod's service account.</summary>
    public string? ApiServer { get; set; }

    public string? KubeconfigFile { get; set; }

    public NamespaceDiscovery Namespaces { get; set; } = new();

    public List<RoleSelector> Selectors { get; set; } = [];

    /// <summary>The resources a role watches: the endpoints role also reads services and pods for their labels.</summary>
    public static IReadOnlyList<string> ResourcesOf(string role) => role switch
    {
        "pod" => ["pod"],
        "service" => ["service"],
        "endpoints" => ["endpoints", "service", "pod"],
        "node" => ["node"],
        _ => [],
    };

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!Roles.Contains(Role))
        {
            yield return ("role", $"must be one of {string.Join(", ", Roles)}, not \"{Role}\"");
            yield break;
        }

        if (ApiServer is not null && KubeconfigFile is not null)
        {
            yield return ("api_server", "api_server and kubeconfig_file exclude each other");
        }

        if (ApiServer is not null && !Uri.TryCreate(ApiServer, UriKind.Absolute, out _))
        {
            yield return ("api_server", $"\"{ApiServer}\" is not an absolute URL");
        }

        if (Role == "node" && (Namespaces.Names.Count > 0 || Namespaces.OwnNamespace))
        {
            yield return ("namespaces", "nodes have no namespace");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Selectors.Count; i++)
        {
            string role = Selectors[i].Role;
            if (!ResourcesOf(Role).Contains(role))
            {
                yield return ($"selectors[{i}].role", $"role {Role} supports selectors of {string.Join(", ", ResourcesOf(Role))} only, not \"{role}\"");
            }
            else if (!seen.Add(role))
            {
                yield return ($"selectors[{i}].role", $"{role} is selected twice");
            }
        }
    }

    /// <summary>The selector for <paramref name="resource"/>, if one is configured.</summary>
    public RoleSelector? SelectorFor(string resource) => Selectors.FirstOrDefault(s => s.Role == resource);
}

/// <summary>Prometheus' <c>namespaces</c> block: the namespaces to watch; none = all.</summary>
public sealed class NamespaceDiscovery
{
    public List<string> Names { get; set; } = [];

    /// <summary>Also the namespace the agent runs in, read from its service account.</summary>
    public bool OwnNamespace { get; set; }
}

/// <summary>One entry of <c>selectors</c>: the API's label and field selectors for the watch of one resource.</summary>
public sealed class RoleSelector
{
    public string Role { get; set; } = string.Empty;

    public string? Label { get; set; }

    public string? Field { get; set; }
}
