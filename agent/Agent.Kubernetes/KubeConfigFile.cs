using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace Agent.Kubernetes;

/// <summary>
/// Reads a kubeconfig into the client's configuration. The client's own reader cannot run in a Native AOT binary
/// (its YAML set-up orders properties by metadata token, which AOT does not keep), so the file is read here with
/// YamlDotNet and the kubeconfig model's own YAML names, then handed to the client as an object; the client still
/// picks the context, the cluster, the credentials and resolves relative file paths.
/// </summary>
public static class KubeConfigFile
{
    /// <summary>The file for <paramref name="path"/>: itself, else the first of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public static string Locate(string? path, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return path;
        }

        string? variable = environment("KUBECONFIG");
        if (!string.IsNullOrEmpty(variable))
        {
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        }

        return Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    public static KubernetesClientConfiguration Load(string? path) => Load(path, Environment.GetEnvironmentVariable);

    // YamlDotNet's reflection reads the kubeconfig model, which the AOT publish keeps whole with the rest of
    // KubernetesClient (agent/Agent/Agent.csproj); its lists are of reference types, whose shared code AOT has. The
    // end-to-end tests run the AOT binary with a kubeconfig (KubeConfigEndToEndTests).
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The kubeconfig model is kept whole; see above.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The kubeconfig model is kept whole; see above.")]
    public static KubernetesClientConfiguration Load(string? path, Func<string, string?> environment)
    {
        var file = new FileInfo(Locate(path, environment));
        if (!file.Exists)
        {
            throw new FileNotFoundException($"kubeconfig file not found at {file.FullName}", file.FullName);
        }

        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        var config = deserializer.Deserialize<K8SConfiguration?>(File.ReadAllText(file.FullName))
            ?? throw new InvalidDataException($"kubeconfig file {file.FullName} is empty");
        config.FileName = file.FullName;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }
}
