using System.Collections.Concurrent;
using Agent.Core.Model;
using Agent.Exporters.Loki.Encoding;
using Agent.Exporters.Serialization;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Exporters.Loki;

/// <summary>
/// Splits attributes into the few index labels Loki streams are keyed by and the structured metadata that carries
/// everything else (see <see cref="LokiExporterOptions.Labels"/> for the rules). Built once from the options; it
/// holds no per-call state, so every sender can share it. Callers cache results per resource.
/// </summary>
internal sealed class LokiLabelMapper
{
    public const string JobLabel = "job";
    public const string LevelLabel = "level";

    /// <summary>Loki's own name for a stream that says nothing about where it came from.</summary>
    public const string UnknownService = "unknown_service";

    private readonly HashSet<string> _indexLabels;
    private readonly KeyValuePair<string, string>[] _mappings;
    private readonly Dictionary<string, string> _labelOfAttribute;
    private readonly string? _tenantAttribute;
    private readonly string? _tenantValue;
    private readonly JobFormat _jobFormat;

    // Attribute keys repeat endlessly; their sanitized names are worked out once.
    private readonly ConcurrentDictionary<string, string?> _sanitized = new(StringComparer.Ordinal);

    public LokiLabelMapper(LokiExporterOptions options)
    {
        _indexLabels = new HashSet<string>(options.Labels, StringComparer.Ordinal);
        _mappings = [.. options.LabelAttributes];
        _labelOfAttribute = new Dictionary<string, string>(options.LabelAttributes, StringComparer.Ordinal);
        LevelIsLabel = _indexLabels.Contains(LevelLabel);
        _tenantAttribute = string.IsNullOrEmpty(options.Tenant?.FromAttribute) ? null : options.Tenant.FromAttribute;
        _tenantValue = string.IsNullOrEmpty(options.Tenant?.Value) ? null : options.Tenant.Value;
        _jobFormat = options.JobFormat;
    }

    /// <summary>Whether <c>level</c> is an index label (else the level goes into structured metadata).</summary>
    public bool LevelIsLabel { get; }

    public LokiResourceLabels MapResource(Resource resource)
    {
        var split = Split(resource.Attributes, computeJob: true);
        string? tenant = _tenantAttribute is null ? _tenantValue : Find(resource.Attributes, _tenantAttribute) ?? _tenantValue;
        if (split.Labels.Count == 0)
        {
            split.Labels["service_name"] = UnknownService;
        }

        return new LokiResourceLabels(tenant, Sorted(split.Labels), [.. split.Metadata]);
    }

    /// <summary>
    /// A record's own attributes: labels they set (overriding the resource's), metadata for the rest, and the
    /// tenant when the tenant attribute is on the record.
    /// </summary>
    public (Dictionary<string, string> Labels, List<KeyValuePair<string, string>> Metadata, string? Tenant) MapRecord(IReadOnlyList<KeyValue> attributes)
    {
        var split = Split(attributes, computeJob: false);
        string? tenant = _tenantAttribute is null ? null : Find(attributes, _tenantAttribute);
        return (split.Labels, split.Metadata, tenant);
    }

    /// <summary>The labels of a stream: base labels plus <c>level</c> when it is an index label, sorted by name.</summary>
    public KeyValuePair<string, string>[] WithLevel(IReadOnlyList<KeyValuePair<string, string>> sortedBase, int level)
    {
        if (!LevelIsLabel || level == LokiLevels.None)
        {
            return [.. sortedBase];
        }

        var labels = new Dictionary<string, string>(sortedBase.Count + 1, StringComparer.Ordinal);
        foreach (var (name, value) in sortedBase)
        {
            labels[name] = value;
        }

        labels[LevelLabel] = LokiLevels.Name(level);
        return Sorted(labels);
    }

    public static KeyValuePair<string, string>[] Sorted(Dictionary<string, string> labels)
    {
        var sorted = labels.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return sorted;
    }

    private (Dictionary<string, string> Labels, List<KeyValuePair<string, string>> Metadata) Split(IReadOnlyList<KeyValue> attributes, bool computeJob)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        HashSet<string>? used = null;

        // Mapped attributes first, in the order of the mapping, so the first one present names the label.
        foreach (var (attribute, label) in _mappings)
        {
            if (label == LevelLabel || !_indexLabels.Contains(label) || labels.ContainsKey(label))
            {
                continue;
            }

            string? value = Find(attributes, attribute);
            if (!string.IsNullOrEmpty(value))
            {
                labels[label] = value;
                (used ??= new HashSet<string>(StringComparer.Ordinal)).Add(attribute);
            }
        }

        if (computeJob && _indexLabels.Contains(JobLabel) && !labels.ContainsKey(JobLabel))
        {
            used = AddJob(attributes, labels, used ?? new HashSet<string>(StringComparer.Ordinal));
        }

        var metadata = new List<KeyValuePair<string, string>>(attributes.Count);
        HashSet<string>? metadataNames = null;
        for (int i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (used?.Contains(attribute.Key) == true)
            {
                continue;
            }

            string value = AnyValueText.ToText(attribute.Value);
            string? sanitized = SanitizedName(attribute.Key);
            if (sanitized is null || value.Length == 0)
            {
                continue;
            }

            // An attribute named like an index label (e.g. "team" when "team" is listed) becomes that label.
            if (sanitized != LevelLabel && _indexLabels.Contains(sanitized) && !labels.ContainsKey(sanitized) &&
                !_labelOfAttribute.ContainsKey(attribute.Key))
            {
                labels[sanitized] = value;
                continue;
            }

            // A mapping renames the attribute in metadata too, unless that name is taken.
            string name = sanitized;
            if (_labelOfAttribute.TryGetValue(attribute.Key, out string? mapped) && !_indexLabels.Contains(mapped) &&
                (metadataNames ??= new HashSet<string>(StringComparer.Ordinal)).Add(mapped))
            {
                name = mapped;
            }

            // The normalised labels repeat the Kubernetes attributes they came from: one copy is enough.
            if ((labels.TryGetValue(name, out string? label) && label == value) || metadata.Contains(new KeyValuePair<string, string>(name, value)))
            {
                continue;
            }

            metadata.Add(new KeyValuePair<string, string>(name, value));
        }

        return (labels, metadata);
    }

    /// <summary>
    /// <c>job</c>: the normalised <c>job</c> attribute (the <c>servicemapping</c> processor's, so Loki agrees with
    /// Prometheus), else formed from <c>service.namespace</c> and <c>service.name</c>.
    /// </summary>
    private HashSet<string> AddJob(IReadOnlyList<KeyValue> attributes, Dictionary<string, string> labels, HashSet<string> used)
    {
        if (Find(attributes, ServiceJob.JobAttribute) is { Length: > 0 } normalised)
        {
            labels[JobLabel] = normalised;
            used.Add(ServiceJob.JobAttribute);
            return used;
        }

        string? service = Find(attributes, "service.name");
        string? serviceNamespace = Find(attributes, "service.namespace");
        string job = ServiceJob.Format(_jobFormat, serviceNamespace, service);
        if (job.Length == 0)
        {
            return used;
        }

        labels[JobLabel] = job;
        if (!string.IsNullOrEmpty(service))
        {
            used.Add("service.name");
        }

        if (!string.IsNullOrEmpty(serviceNamespace))
        {
            used.Add("service.namespace");
        }

        return used;
    }

    private string? SanitizedName(string key)
    {
        if (_sanitized.TryGetValue(key, out string? name))
        {
            return name;
        }

        name = LokiLabelNames.Sanitize(key);
        if (_sanitized.Count < 10_000)
        {
            _sanitized[key] = name;
        }

        return name;
    }

    private static string? Find(IReadOnlyList<KeyValue> attributes, string key)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == key)
            {
                return AnyValueText.ToText(attributes[i].Value);
            }
        }

        return null;
    }
}
