using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace Agent.Kubernetes;

/// <summary>
/// Reads kubeconfig files into the client's configuration. The client's own reader cannot run in a Native AOT binary
/// (its YAML set-up orders properties by metadata token, which AOT does not keep), so the files are read here with
/// YamlDotNet and the kubeconfig model's own YAML names, merged as kubectl merges the files of <c>$KUBECONFIG</c>
/// (<see cref="KubeConfigMerge"/>), then handed to the client as an object; the client still picks the context, the
/// cluster and the credentials.
/// </summary>
public static class KubeConfigFile
{
    /// <summary>What YamlDotNet needs of a class it fills: a constructor and the properties with their attributes.</summary>
    internal const DynamicallyAccessedMemberTypes ReadByReflection = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>The files for <paramref name="path"/>: itself, else every entry of <c>$KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public static IReadOnlyList<string> Locate(string? path, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return [path];
        }

        string[] listed = (environment("KUBECONFIG") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (listed.Length > 0)
        {
            return listed;
        }

        return [Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
    }

    public static KubernetesClientConfiguration Load(string? path) => Load(path, Environment.GetEnvironmentVariable);

    // YamlDotNet's reflection reads the kubeconfig model: the dependencies below keep its classes' constructors and
    // properties (with the YAML names on them) in a trimmed or AOT binary; its lists are of reference types, whose
    // shared code AOT has. The end-to-end tests run the AOT binary with a kubeconfig (KubeConfigEndToEndTests). The
    // client reads an exec plugin's answer (ExecCredentialResponse) with reflection-based JSON: kept too.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The kubeconfig model is kept; see above.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The kubeconfig model is kept; see above.")]
    [DynamicDependency(ReadByReflection, typeof(K8SConfiguration))]
    [DynamicDependency(ReadByReflection, typeof(Context))]
    [DynamicDependency(ReadByReflection, typeof(ContextDetails))]
    [DynamicDependency(ReadByReflection, typeof(Cluster))]
    [DynamicDependency(ReadByReflection, typeof(ClusterEndpoint))]
    [DynamicDependency(ReadByReflection, typeof(User))]
    [DynamicDependency(ReadByReflection, typeof(UserCredentials))]
    [DynamicDependency(ReadByReflection, typeof(AuthProvider))]
    [DynamicDependency(ReadByReflection, typeof(ExternalExecution))]
    [DynamicDependency(ReadByReflection, typeof(NamedExtension))]
    [DynamicDependency(ReadByReflection, typeof(ExecCredentialResponse))]
    [DynamicDependency(ReadByReflection, typeof(ExecCredentialResponse.ExecStatus))]
    public static KubernetesClientConfiguration Load(string? path, Func<string, string?> environment)
    {
        // As kubectl: an entry of $KUBECONFIG that does not exist is skipped; none at all is an error.
        var files = Locate(path, environment).Select(Path.GetFullPath).ToList();
        var existing = files.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            string where = string.Join(", ", files);
            throw new FileNotFoundException($"kubeconfig file not found at {where}", files[0]);
        }

        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        var merged = new KubeConfigMerge();
        foreach (string file in existing)
        {
            var config = deserializer.Deserialize<K8SConfiguration?>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"kubeconfig file {file} is empty");
            merged.Add(config, file);
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged.Result);
    }
}
