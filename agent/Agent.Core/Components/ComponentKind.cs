namespace Agent.Core.Components;

/// <summary>The sections of the configuration a component can live in.</summary>
public enum ComponentKind
{
    Receiver,
    Processor,
    Exporter,
    Extension,

    /// <summary>An exporter in one pipeline and a receiver in another (the Collector's connectors).</summary>
    Connector,
}

/// <summary>How settled a component's behaviour and options are, as in the Collector.</summary>
public enum Stability
{
    Development,
    Alpha,
    Beta,
    Stable,
}

public static class ComponentKindNames
{
    /// <summary>The section name in the configuration (<c>receivers</c>, <c>processors</c>, ...).</summary>
    public static string SectionName(this ComponentKind kind) => kind switch
    {
        ComponentKind.Receiver => "receivers",
        ComponentKind.Processor => "processors",
        ComponentKind.Exporter => "exporters",
        ComponentKind.Connector => "connectors",
        _ => "extensions",
    };
}
