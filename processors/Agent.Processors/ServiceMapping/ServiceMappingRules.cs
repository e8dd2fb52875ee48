using System.Collections.Frozen;
using Agent.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Processors.ServiceMapping;

/// <summary>
/// The mapping, compiled once from the options and applied to one resource at a time. One pass over the
/// resource's attributes finds every key the rules read or would write; only attributes that are missing are then
/// added, so a resource that already carries them all (a second pass, or an application that set everything)
/// costs that pass and allocates nothing.
/// </summary>
internal sealed class ServiceMappingRules
{
    public const string ServiceNamespace = "service.namespace";
    public const string ServiceName = "service.name";
    public const string ServiceInstanceId = "service.instance.id";

    /// <summary>The SDKs' fallback when the application named no service: it is not the application's choice.</summary>
    private const string UnknownServicePrefix = "unknown_service";

    private readonly FrozenDictionary<string, int[]> _slotsOfKey;
    private readonly int _slotCount;
    private readonly int _firstApp;
    private readonly int _appCount;
    private readonly int _firstRule;
    private readonly string[] _ruleTargets;
    private readonly string? _cluster;
    private readonly JobFormat _jobFormat;
    private readonly bool _containerInInstance;

    public ServiceMappingRules(ServiceMappingProcessorOptions options)
    {
        var sources = options.From;
        var keys = new List<string>
        {
            // In the order of Slot.
            sources.Namespace, sources.PodName, sources.PodUid, sources.ContainerName, sources.NodeName, sources.ClusterName,
            ServiceNamespace, ServiceName, ServiceInstanceId,
            Labels.Namespace, Labels.Pod, Labels.Container, Labels.App, Labels.Cluster, Labels.Node,
            ServiceJob.JobAttribute, ServiceJob.InstanceAttribute,
        };
        _firstApp = keys.Count;
        keys.AddRange(options.AppLabels.Select(label => sources.PodLabelPrefix + label));
        _appCount = options.AppLabels.Count;
        _firstRule = keys.Count;
        keys.AddRange(options.PodLabels.Select(rule => sources.PodLabelPrefix + rule.Key));
        _ruleTargets = [.. options.PodLabels.Select(rule => rule.TagName!)];
        keys.AddRange(_ruleTargets);
        _slotCount = keys.Count;

        // A key may serve several slots (a rule's target may be one of the labels): each slot gets its own entry.
        _slotsOfKey = keys
            .Select((key, slot) => (key, slot))
            .GroupBy(pair => pair.key, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(pair => pair.slot).ToArray(), StringComparer.Ordinal);
        _cluster = string.IsNullOrEmpty(options.Cluster) ? null : options.Cluster;
        _jobFormat = options.JobFormat;
        _containerInInstance = options.ContainerInInstance;
    }

    private enum Slot
    {
        Namespace,
        PodName,
        PodUid,
        Container,
        Node,
        ClusterName,
        ServiceNamespace,
        ServiceName,
        ServiceInstanceId,
        NamespaceLabel,
        PodLabel,
        ContainerLabel,
        AppLabel,
        ClusterLabel,
        NodeLabel,
        Job,
        Instance,
    }

    /// <summary>Adds what the resource lacks.</summary>
    public void Apply(OtlpResource resource) => TryApply(resource);

    /// <summary>Adds what the resource lacks; returns whether anything was added.</summary>
    public bool TryApply(OtlpResource resource)
    {
        var attributes = resource.Attributes;
        Span<int> found = _slotCount <= 128 ? stackalloc int[_slotCount] : new int[_slotCount];
        found.Fill(-1);
        for (int i = 0; i < attributes.Count; i++)
        {
            if (_slotsOfKey.TryGetValue(attributes[i].Key, out var slots))
            {
                foreach (int slot in slots)
                {
                    if (found[slot] < 0)
                    {
                        found[slot] = i;
                    }
                }
            }
        }

        var state = new Resolved(attributes, found);
        string? space = state.Text(Slot.Namespace);
        string? container = state.Text(Slot.Container);
        string? app = FirstApp(state);
        int before = attributes.Count;

        string? serviceNamespace = state.Has(Slot.ServiceNamespace) ? state.Text(Slot.ServiceNamespace) : Add(attributes, ServiceNamespace, space);
        string? serviceName = state.Text(Slot.ServiceName);
        if (serviceName is null || serviceName.StartsWith(UnknownServicePrefix, StringComparison.Ordinal))
        {
            serviceName = Set(attributes, found[(int)Slot.ServiceName], ServiceName, app ?? container) ?? serviceName;
        }

        string? instance = state.Has(Slot.ServiceInstanceId) ? state.Text(Slot.ServiceInstanceId) : Add(attributes, ServiceInstanceId, InstanceId(state.Text(Slot.PodUid), container));

        AddLabel(attributes, state, Slot.NamespaceLabel, Labels.Namespace, space);
        AddLabel(attributes, state, Slot.PodLabel, Labels.Pod, state.Text(Slot.PodName));
        AddLabel(attributes, state, Slot.ContainerLabel, Labels.Container, container);
        AddLabel(attributes, state, Slot.AppLabel, Labels.App, app ?? serviceName);
        AddLabel(attributes, state, Slot.ClusterLabel, Labels.Cluster, _cluster ?? state.Text(Slot.ClusterName));
        AddLabel(attributes, state, Slot.NodeLabel, Labels.Node, state.Text(Slot.Node));
        if (!state.Has(Slot.Job) && (serviceName is not null || serviceNamespace is not null))
        {
            Add(attributes, ServiceJob.JobAttribute, ServiceJob.Format(_jobFormat, serviceNamespace, serviceName));
        }

        AddLabel(attributes, state, Slot.Instance, ServiceJob.InstanceAttribute, instance);
        for (int rule = 0; rule < _ruleTargets.Length; rule++)
        {
            int source = _firstRule + rule;
            int target = _firstRule + _ruleTargets.Length + rule;
            if (found[source] >= 0 && found[target] < 0)
            {
                found[target] = attributes.Count;
                Add(attributes, _ruleTargets[rule], state.TextAt(source));
            }
        }

        return attributes.Count != before;
    }

    private string? FirstApp(Resolved state)
    {
        for (int i = 0; i < _appCount; i++)
        {
            if (state.TextAt(_firstApp + i) is { } app)
            {
                return app;
            }
        }

        return null;
    }

    private string? InstanceId(string? podUid, string? container) =>
        podUid is null ? null : _containerInInstance && container is not null ? $"{podUid}/{container}" : podUid;

    private static void AddLabel(IList<KeyValue> attributes, Resolved state, Slot slot, string key, string? value)
    {
        if (!state.Has(slot))
        {
            Add(attributes, key, value);
        }
    }

    /// <summary>Adds <paramref name="key"/> = <paramref name="value"/> when there is a value; returns the value.</summary>
    private static string? Add(IList<KeyValue> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Replaces the attribute at <paramref name="index"/>, or adds it when absent (index &lt; 0).</summary>
    private static string? Set(IList<KeyValue> attributes, int index, string key, string? value)
    {
        if (index < 0 || string.IsNullOrEmpty(value))
        {
            return Add(attributes, key, value);
        }

        attributes[index].Value = new AnyValue { StringValue = value };
        return value;
    }

    /// <summary>The normalised label names, as every exporter reads them.</summary>
    internal static class Labels
    {
        public const string Namespace = "namespace";
        public const string Pod = "pod";
        public const string Container = "container";
        public const string App = "app";
        public const string Cluster = "cluster";
        public const string Node = "node";
    }

    /// <summary>Where each slot was found in one resource's attributes (-1 = absent).</summary>
    private readonly ref struct Resolved(IList<KeyValue> attributes, Span<int> found)
    {
        private readonly IList<KeyValue> _attributes = attributes;
        private readonly Span<int> _found = found;

        public bool Has(Slot slot) => _found[(int)slot] >= 0;

        public string? Text(Slot slot) => TextAt((int)slot);

        /// <summary>The slot's value when it is a non-empty string (Kubernetes facts always are).</summary>
        public string? TextAt(int slot)
        {
            int index = _found[slot];
            if (index < 0 || _attributes[index].Value is not { ValueCase: AnyValue.ValueOneofCase.StringValue } value)
            {
                return null;
            }

            return value.StringValue.Length == 0 ? null : value.StringValue;
        }
    }
}
