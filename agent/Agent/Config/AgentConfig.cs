using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Config;

/// <summary>
/// A configured component: its id, factory and bound options, and its configuration as written after environment
/// substitution (<see cref="ConfigFingerprint"/>), which a reload compares to keep unchanged components running.
/// </summary>
internal sealed record ComponentConfig(ComponentId Id, IComponentFactory Factory, object Options, string Fingerprint);

/// <summary>A pipeline's id: its signal and optional name (<c>logs/pods</c>).</summary>
internal readonly record struct PipelineId(Signal Signal, string Name)
{
    public override string ToString() => Name.Length == 0 ? Signal.ConfigName() : $"{Signal.ConfigName()}/{Name}";
}

internal sealed record PipelineConfig(
    PipelineId Id,
    IReadOnlyList<ComponentId> Receivers,
    IReadOnlyList<ComponentId> Processors,
    IReadOnlyList<ComponentId> Exporters);

/// <summary>A whole, validated configuration. A pipeline's receivers and exporters may name connectors.</summary>
internal sealed class AgentConfig
{
    public required string Source { get; init; }

    public Dictionary<ComponentId, ComponentConfig> Receivers { get; } = [];

    public Dictionary<ComponentId, ComponentConfig> Processors { get; } = [];

    public Dictionary<ComponentId, ComponentConfig> Exporters { get; } = [];

    public Dictionary<ComponentId, ComponentConfig> Extensions { get; } = [];

    public Dictionary<ComponentId, ComponentConfig> Connectors { get; } = [];

    public List<ComponentId> ServiceExtensions { get; } = [];

    public List<PipelineConfig> Pipelines { get; } = [];

    public TelemetryOptions Telemetry { get; set; } = new();

    public Dictionary<ComponentId, ComponentConfig> Section(ComponentKind kind) => kind switch
    {
        ComponentKind.Receiver => Receivers,
        ComponentKind.Processor => Processors,
        ComponentKind.Exporter => Exporters,
        ComponentKind.Connector => Connectors,
        _ => Extensions,
    };
}
