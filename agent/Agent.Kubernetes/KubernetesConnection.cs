using k8s;

namespace Agent.Kubernetes;

/// <summary>Builds the API client for the configured <see cref="KubernetesAuthType"/>.</summary>
internal static class KubernetesConnection
{
    public static IKubernetes Connect(KubernetesMetadataSettings settings)
    {
        var configuration = settings.AuthType switch
        {
            KubernetesAuthType.ServiceAccount => KubernetesClientConfiguration.InClusterConfig(),
            KubernetesAuthType.KubeConfig => KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.KubeConfigPath),
            _ => new KubernetesClientConfiguration { Host = settings.Endpoint ?? throw new ArgumentException("auth_type none needs an endpoint") },
        };

        // Watches are long responses the server ends itself (timeoutSeconds); the client must not cut them first.
        configuration.HttpClientTimeout = TimeSpan.FromMinutes(6);
        return new k8s.Kubernetes(configuration);
    }
}
