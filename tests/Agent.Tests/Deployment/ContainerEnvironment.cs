using k8s.Models;

namespace Agent.Tests.Deployment;

/// <summary>
/// The environment a container would start with: its <c>env</c> (downward-API fields given sample values, Secret
/// keys taken from the Secret when the manifests carry it) and its <c>envFrom</c> ConfigMaps.
/// </summary>
internal static class ContainerEnvironment
{
    private static readonly Dictionary<string, string> FieldSamples = new()
    {
        ["spec.nodeName"] = "node-a",
        ["status.podIP"] = "10.1.2.3",
        ["metadata.name"] = "agent-x7k2p",
        ["metadata.namespace"] = "telemetry",
    };

    public static Dictionary<string, string> Resolve(V1Container container, IReadOnlyList<object> objects)
    {
        var environment = new Dictionary<string, string>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = objects.OfType<V1ConfigMap>().SingleOrDefault(m => m.Metadata.Name == source.ConfigMapRef?.Name);
            Assert.True(map is not null, $"envFrom names ConfigMap {source.ConfigMapRef?.Name}, which the manifests do not define");
            foreach (var (key, value) in map.Data)
            {
                environment[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable.Value ?? FromSource(variable, objects);
        }

        return environment;
    }

    private static string FromSource(V1EnvVar variable, IReadOnlyList<object> objects)
    {
        if (variable.ValueFrom?.FieldRef is { } field)
        {
            Assert.True(FieldSamples.ContainsKey(field.FieldPath), $"{variable.Name}: no sample for field {field.FieldPath}");
            return FieldSamples[field.FieldPath];
        }

        var reference = variable.ValueFrom?.SecretKeyRef;
        Assert.True(reference is not null, $"{variable.Name} has neither a value, a field nor a Secret key");
        var secret = objects.OfType<V1Secret>().SingleOrDefault(s => s.Metadata.Name == reference.Name);
        if (secret is null)
        {
            return "from-a-secret-managed-elsewhere";
        }

        Assert.True(secret.StringData?.ContainsKey(reference.Key) == true || secret.Data?.ContainsKey(reference.Key) == true, $"{variable.Name}: Secret {reference.Name} has no key {reference.Key}");
        return secret.StringData is not null && secret.StringData.TryGetValue(reference.Key, out string? text)
            ? text
            : System.Text.Encoding.UTF8.GetString(secret.Data![reference.Key]);
    }
}
