namespace Agent.Processors.K8sAttributes;

/// <summary>The resource attributes the processor can add, under the OpenTelemetry semantic conventions' names.</summary>
internal static class MetadataKeys
{
    public const string NamespaceName = "k8s.namespace.name";
    public const string PodName = "k8s.pod.name";
    public const string PodUid = "k8s.pod.uid";
    public const string PodIp = "k8s.pod.ip";
    public const string PodStartTime = "k8s.pod.start_time";
    public const string NodeName = "k8s.node.name";
    public const string DeploymentName = "k8s.deployment.name";
    public const string ReplicaSetName = "k8s.replicaset.name";
    public const string StatefulSetName = "k8s.statefulset.name";
    public const string DaemonSetName = "k8s.daemonset.name";
    public const string JobName = "k8s.job.name";
    public const string CronJobName = "k8s.cronjob.name";
    public const string ContainerName = "k8s.container.name";
    public const string ContainerImageName = "container.image.name";
    public const string ContainerImageTag = "container.image.tag";
    public const string ContainerId = "container.id";
    public const string ClusterUid = "k8s.cluster.uid";

    public static readonly IReadOnlyList<string> Supported =
    [
        NamespaceName, PodName, PodUid, PodStartTime, DeploymentName, NodeName, ReplicaSetName, StatefulSetName,
        DaemonSetName, JobName, CronJobName, ContainerName, ContainerImageName, ContainerImageTag, ContainerId, ClusterUid,
    ];

    /// <summary>The keys that come from one container of the pod, added only when the resource names its container.</summary>
    public static readonly IReadOnlyList<string> OfContainer = [ContainerName, ContainerImageName, ContainerImageTag, ContainerId];
}
