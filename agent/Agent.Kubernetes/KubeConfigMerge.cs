using k8s.KubeConfigModels;

namespace Agent.Kubernetes;

/// <summary>
/// Merges kubeconfig files as kubectl does with the files of <c>$KUBECONFIG</c>: the first file that sets the current
/// context wins, and a cluster, user or context takes the first definition of its name. Relative paths (certificate
/// authority, client certificate and key) are made absolute against the directory of the file that names them, so a
/// later file's paths do not end up read beside the first file.
/// </summary>
internal sealed class KubeConfigMerge
{
    private K8SConfiguration? _result;

    /// <summary>The merged configuration; there is none (an error) until a file was added.</summary>
    public K8SConfiguration Result => _result ?? throw new InvalidOperationException("no kubeconfig file was added");

    public void Add(K8SConfiguration config, string file)
    {
        string directory = Path.GetDirectoryName(file) ?? string.Empty;
        foreach (var cluster in config.Clusters ?? [])
        {
            cluster.ClusterEndpoint?.CertificateAuthority = Absolute(cluster.ClusterEndpoint.CertificateAuthority, directory);
        }

        foreach (var user in config.Users ?? [])
        {
            if (user.UserCredentials is { } credentials)
            {
                credentials.ClientCertificate = Absolute(credentials.ClientCertificate, directory);
                credentials.ClientKey = Absolute(credentials.ClientKey, directory);
            }
        }

        if (_result is null)
        {
            config.FileName = file;
            _result = config;
            return;
        }

        _result.CurrentContext ??= config.CurrentContext;
        _result.Clusters = FirstByName(_result.Clusters, config.Clusters, cluster => cluster.Name);
        _result.Users = FirstByName(_result.Users, config.Users, user => user.Name);
        _result.Contexts = FirstByName(_result.Contexts, config.Contexts, context => context.Name);
        _result.Extensions = FirstByName(_result.Extensions, config.Extensions, extension => extension.Name);
    }

    private static string? Absolute(string? path, string directory) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));

    private static List<T> FirstByName<T>(IEnumerable<T>? kept, IEnumerable<T>? added, Func<T, string> name)
    {
        var merged = (kept ?? []).ToList();
        var names = merged.Select(name).ToHashSet(StringComparer.Ordinal);
        merged.AddRange((added ?? []).Where(item => names.Add(name(item))));
        return merged;
    }
}
