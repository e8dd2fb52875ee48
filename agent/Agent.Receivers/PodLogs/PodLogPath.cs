using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// What the kubelet's path tells: <c>/var/log/pods/&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restart&gt;.log</c>.
/// Namespace and pod names cannot hold an underscore (DNS labels), so the directory splits unambiguously.
/// </summary>
internal sealed record PodLogPath(string Namespace, string PodName, string PodUid, string Container, int RestartCount)
{
    public static bool TryParse(string path, out PodLogPath? result)
    {
        result = null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return false;
        }

        string file = parts[^1];
        string container = parts[^2];
        string podDirectory = parts[^3];
        int firstUnderscore = podDirectory.IndexOf('_', StringComparison.Ordinal);
        int lastUnderscore = podDirectory.LastIndexOf('_');
        if (firstUnderscore <= 0 || lastUnderscore <= firstUnderscore + 1 || lastUnderscore == podDirectory.Length - 1 ||
            !file.EndsWith(".log", StringComparison.Ordinal) ||
            !int.TryParse(file.AsSpan(0, file.Length - 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int restart))
        {
            return false;
        }

        result = new PodLogPath(
            podDirectory[..firstUnderscore],
            podDirectory[(firstUnderscore + 1)..lastUnderscore],
            podDirectory[(lastUnderscore + 1)..],
            container,
            restart);
        return true;
    }

    /// <summary>The resource of a file: Kubernetes attributes when the path is a kubelet one, plus the file's path and name when asked.</summary>
    public static Resource ResourceFor(string path, bool includeFilePath, bool includeFileName)
    {
        var resource = new Resource();
        if (TryParse(path, out var pod))
        {
            Add(resource, "k8s.namespace.name", pod!.Namespace);
            Add(resource, "k8s.pod.name", pod.PodName);
            Add(resource, "k8s.pod.uid", pod.PodUid);
            Add(resource, "k8s.container.name", pod.Container);
            resource.Attributes.Add(new KeyValue { Key = "k8s.container.restart_count", Value = new AnyValue { IntValue = pod.RestartCount } });
        }

        if (includeFilePath)
        {
            Add(resource, "log.file.path", path);
        }

        if (includeFileName)
        {
            Add(resource, "log.file.name", Path.GetFileName(path));
        }

        return resource;
    }

    private static void Add(Resource resource, string key, string value) =>
        resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
}
