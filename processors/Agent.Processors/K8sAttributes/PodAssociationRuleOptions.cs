namespace Agent.Processors.K8sAttributes;

/// <summary>One association rule: all its sources together name a pod.</summary>
public sealed class PodAssociationRuleOptions
{
    public List<PodAssociationSourceOptions> Sources { get; set; } = [];
}

/// <summary><c>from: connection</c> (the client's address) or <c>from: resource_attribute</c> with the attribute's <c>name</c>.</summary>
public sealed class PodAssociationSourceOptions
{
    public string From { get; set; } = string.Empty;

    public string? Name { get; set; }
}
