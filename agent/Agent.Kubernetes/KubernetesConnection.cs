using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.Models;

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

    /// <remarks>
    /// The client reads API objects with its source-generated JSON metadata, but a watch event's envelope
    /// (<c>Watcher&lt;T&gt;.WatchEvent</c>, generic, so not in that metadata) by reflection: the dependencies keep the
    /// envelopes of the resources the agent watches, and those the client reads every event as first, in a trimmed
    /// or AOT binary, instead of keeping the whole client.
    /// </remarks>
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<KubernetesObject>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Status>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Pod>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1ReplicaSet>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Namespace>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Node>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Service>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(Watcher<V1Endpoints>.WatchEvent))]
    [DynamicDependency(KubeConfigFile.ReadByReflection, typeof(KubernetesObject))]
    public static IKubernetes Connect(KubernetesClientConfiguration configuration) => new k8s.Kubernetes(configuration);
}
