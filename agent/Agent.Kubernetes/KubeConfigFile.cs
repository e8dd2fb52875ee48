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
    /// <summary>What YamlDotNet needs of a class it fills: a constructor and the properties with their attributes.</summary>
    internal const DynamicallyAccessedMemberTypes ReadByReflection = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties;

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
