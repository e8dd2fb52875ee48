namespace Agent.Core.Model;

/// <summary>How the Prometheus <c>job</c> label is formed from a resource's service identity.</summary>
public enum JobFormat
{
    /// <summary><c>service.namespace/service.name</c>, or <c>service.name</c> alone (the OpenTelemetry compatibility rule).</summary>
    NamespaceAndName,

    /// <summary>
    /// <c>service.namespace</c> alone (one job per Kubernetes namespace), or <c>service.name</c> when there is no
    /// namespace.
    /// </summary>
    Namespace,
}

/// <summary>
/// The <c>job</c> and <c>instance</c> rule, written once for the mapping processor and the exporters, so one workload
/// gets the same labels in Loki, Prometheus and Tempo.
/// </summary>
public static class ServiceJob
{
    /// <summary>The normalised resource attributes the mapping processor sets and the exporters take first.</summary>
    public const string JobAttribute = "job";

    public const string InstanceAttribute = "instance";

    /// <summary>The job for a service identity; empty when neither name nor namespace is known.</summary>
    public static string Format(JobFormat format, string? serviceNamespace, string? serviceName)
    {
        bool hasNamespace = !string.IsNullOrEmpty(serviceNamespace);
        if (format == JobFormat.Namespace && hasNamespace)
        {
            return serviceNamespace!;
        }

        if (string.IsNullOrEmpty(serviceName))
        {
            return string.Empty;
        }

        return hasNamespace ? $"{serviceNamespace}/{serviceName}" : serviceName;
    }
}
