using System.Runtime.InteropServices;
using Agent.Core.Model;
using Agent.Exporters.Loki.Encoding;
using Agent.Exporters.Serialization;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The labels a resource gives every series, per the compatibility rules: <c>job</c> = <c>service.namespace/
/// service.name</c> (or <c>service.name</c>, or plain <c>service.namespace</c> with <c>job_format: namespace</c>),
/// <c>instance</c> = <c>service.instance.id</c>, except that the normalised <c>job</c> and <c>instance</c> attributes
/// (set by the <c>servicemapping</c> processor) win, so Loki, Prometheus and Tempo agree; the <c>resource_labels</c>
/// (or, with <c>resource_to_telemetry_conversion</c>, every attribute) promoted; then <c>external_labels</c>; and the
/// labels of its <c>target_info</c> series (job, instance and the other attributes). Built once per resource group,
/// in reused lists.
/// </summary>
internal sealed class ResourceLabels
{
    public const string ServiceName = "service.name";
    public const string ServiceNamespace = "service.namespace";
    public const string ServiceInstanceId = "service.instance.id";

    private static readonly RepeatedField<KeyValue> NoAttributes = [];

    private readonly List<LabelEntry> _series = [];
    private readonly List<LabelEntry> _targetInfo = [];
    private readonly LabelEntry[] _external;
    private readonly bool _promote;
    private readonly HashSet<string> _promoted;
    private readonly JobFormat _jobFormat;

    public ResourceLabels(PrometheusRemoteWriteExporterOptions options)
    {
        _promote = options.ResourceToTelemetryConversion.Enabled;
        _promoted = new HashSet<string>(options.ResourceLabels, StringComparer.Ordinal);
        _jobFormat = options.JobFormat;
        _external = options.ExternalLabels
            .Select(pair => new LabelEntry(pair.Key, pair.Value, LabelRank.External, pair.Key))
            .ToArray();
    }

    /// <summary>The labels every series of the resource carries.</summary>
    public ReadOnlySpan<LabelEntry> Series => CollectionsMarshal.AsSpan(_series);

    /// <summary>The labels of the resource's <c>target_info</c>; empty when it has no other attribute than the identity.</summary>
    public ReadOnlySpan<LabelEntry> TargetInfo => CollectionsMarshal.AsSpan(_targetInfo);

    public void Load(Resource? resource)
    {
        _series.Clear();
        _targetInfo.Clear();
        string? name = null;
        string? space = null;
        string? instance = null;
        string? job = null;
        string? normalisedInstance = null;
        bool others = false;
        var attributes = resource?.Attributes ?? NoAttributes;
        for (int i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            switch (attribute.Key)
            {
                case ServiceName:
                    name = LabelValues.Of(attribute.Value);
                    break;
                case ServiceNamespace:
                    space = LabelValues.Of(attribute.Value);
                    break;
                case ServiceInstanceId:
                    instance = LabelValues.Of(attribute.Value);
                    break;
                case ServiceJob.JobAttribute:
                    job = LabelValues.Of(attribute.Value);
                    break;
                case ServiceJob.InstanceAttribute:
                    normalisedInstance = LabelValues.Of(attribute.Value);
                    break;
                default:
                    others = true;
                    break;
            }
        }

        if (string.IsNullOrEmpty(job))
        {
            job = ServiceJob.Format(_jobFormat, space, name);
        }

        if (!string.IsNullOrEmpty(normalisedInstance))
        {
            instance = normalisedInstance;
        }

        AddIdentity(_series, job, instance);
        AddAttributes(_series, resource, LabelRank.Resource, _promote ? null : _promoted);

        _series.AddRange(_external);
        if (others)
        {
            AddIdentity(_targetInfo, job, instance);
            AddAttributes(_targetInfo, resource, LabelRank.Point, null);
            _targetInfo.AddRange(_external);
        }
    }

    private static void AddIdentity(List<LabelEntry> labels, string job, string? instance)
    {
        if (job.Length > 0)
        {
            labels.Add(new LabelEntry("job", job, LabelRank.Identity, "job"));
        }

        if (!string.IsNullOrEmpty(instance))
        {
            labels.Add(new LabelEntry("instance", instance, LabelRank.Identity, "instance"));
        }
    }

    /// <summary>The attributes other than the identity; only those in <paramref name="only"/> when it is given.</summary>
    private static void AddAttributes(List<LabelEntry> labels, Resource? resource, LabelRank rank, HashSet<string>? only)
    {
        var attributes = resource?.Attributes ?? NoAttributes;
        for (int i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (attribute.Key is ServiceName or ServiceNamespace or ServiceInstanceId or ServiceJob.JobAttribute or ServiceJob.InstanceAttribute ||
                only?.Contains(attribute.Key) == false)
            {
                continue;
            }

            labels.Add(new LabelEntry(PrometheusLabelNames.Sanitize(attribute.Key), LabelValues.Of(attribute.Value), rank, attribute.Key));
        }
    }
}

/// <summary>Attribute values as label values: strings as they are, small integers from a table, the rest as text.</summary>
internal static class LabelValues
{
    private static readonly string[] SmallIntegers = Enumerable.Range(0, 1024)
        .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToArray();

    public static string Of(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue when value.IntValue is >= 0 and < 1024 => SmallIntegers[value.IntValue],
        _ => AnyValueText.ToText(value),
    };
}
