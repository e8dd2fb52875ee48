using k8s;

namespace Agent.Kubernetes;

/// <summary>Builds the API client for the configured <see cref="KubernetesAuthType"/>.</summary>
public static class KubernetesConnection
{
    public static IKubernetes Connect(KubernetesMetadataSettings settings) =>
        Connect(Configure(settings.AuthType, settings.Endpoint, settings.KubeConfigPath));

    /// <summary>
    /// The client's configuration: built apart from the client so a caller can fail at start-up (no service account,
    /// no kubeconfig) and open the connection later.
    /// </summary>
    public static KubernetesClientConfiguration Configure(KubernetesAuthType authType, string? endpoint, string? kubeConfigPath)
    {
        var configuration = authType switch
        {
            KubernetesAuthType.ServiceAccount => KubernetesClientConfiguration.InClusterConfig(),
            KubernetesAuthType.KubeConfig => KubeConfigFile.Load(kubeConfigPath),
            _ => new KubernetesClientConfiguration { Host = endpoint ?? throw new ArgumentException("auth_type none needs an endpoint") },
        };

        // Watches are long responses the server ends itself (timeoutSeconds); the client must not cut them first.
        configuration.HttpClientTimeout = TimeSpan.FromMinutes(6);
        return configuration;
    }

    public static IKubernetes Connect(KubernetesClientConfiguration configuration) => new k8s.Kubernetes(configuration);
}
