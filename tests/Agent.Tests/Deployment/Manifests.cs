using Agent.Tests.EndToEnd;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace Agent.Tests.Deployment;

/// <summary>
/// The files under <c>manifests/</c> read as Kubernetes objects with KubernetesClient's YAML loader, and a
/// kustomization rendered the way <c>kubectl apply -k</c> does for what these manifests use: file and folder
/// resources, and strategic-merge patches of ConfigMap data.
/// </summary>
internal static class Manifests
{
    public static string Root { get; } = Path.Combine(JsClient.RepositoryRoot(), "manifests");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>A YAML document as plain maps, lists and strings (for what has no typed model).</summary>
    public static Dictionary<object, object> LoadMap(string relative) =>
        new Deserializer().Deserialize<Dictionary<object, object>>(File.ReadAllText(PathOf(relative)));

    public static IReadOnlyList<string> Strings(Dictionary<object, object> map, string key) =>
        map.TryGetValue(key, out object? value) && value is List<object> list ? list.Select(item => item.ToString()!).ToList() : [];

    /// <summary>The objects <c>kubectl apply -k &lt;folder&gt;</c> would send, with its patches applied.</summary>
    public static List<object> Build(string folder)
    {
        var kustomization = LoadMap(Path.Combine(folder, "kustomization.yaml"));
        var objects = new List<object>();
        foreach (string resource in Strings(kustomization, "resources"))
        {
            string path = Path.GetFullPath(Path.Combine(Root, folder, resource));
            objects.AddRange(Directory.Exists(path) ? Build(Path.GetRelativePath(Root, path)) : KubernetesYaml.LoadAllFromString(File.ReadAllText(path)));
        }

        if (kustomization.TryGetValue("patches", out object? patches))
        {
            foreach (var patch in ((List<object>)patches).Cast<Dictionary<object, object>>())
            {
                string path = Path.Combine(Root, folder, patch["path"].ToString()!);
                foreach (object patchObject in KubernetesYaml.LoadAllFromString(File.ReadAllText(path)))
                {
                    ApplyPatch(objects, patchObject);
                }
            }
        }

        return objects;
    }

    /// <summary>The one ConfigMap holding the agent's config (key <c>agent.yaml</c>).</summary>
    public static string AgentConfig(IEnumerable<object> objects) =>
        objects.OfType<V1ConfigMap>().Single(map => map.Data?.ContainsKey("agent.yaml") == true).Data["agent.yaml"];

    /// <summary>The agent's container: in a DaemonSet, a Deployment or (as a native sidecar) a Pod's init containers.</summary>
    public static (V1PodSpec Pod, V1Container Agent) AgentContainer(IEnumerable<object> objects)
    {
        var list = objects.ToList();
        var pod = list.OfType<V1DaemonSet>().Select(d => d.Spec.Template.Spec)
            .Concat(list.OfType<V1Deployment>().Select(d => d.Spec.Template.Spec))
            .Concat(list.OfType<V1Pod>().Select(p => p.Spec))
            .Single();
        var agent = pod.Containers.Concat(pod.InitContainers ?? []).Single(c => c.Name == "agent");
        return (pod, agent);
    }

    // A strategic merge of ConfigMap data: the only patch these overlays make. Anything else is refused, so an
    // overlay that grows another kind of patch fails here instead of being checked wrongly.
    private static void ApplyPatch(List<object> objects, object patch)
    {
        if (patch is not V1ConfigMap patchMap)
        {
            throw new NotSupportedException($"the tests' kustomize only merges ConfigMap data, not {patch.GetType().Name}");
        }

        var target = objects.OfType<V1ConfigMap>().Single(map => map.Metadata.Name == patchMap.Metadata.Name);
        foreach (var (key, value) in patchMap.Data ?? new Dictionary<string, string>())
        {
            target.Data[key] = value;
        }
    }
}
