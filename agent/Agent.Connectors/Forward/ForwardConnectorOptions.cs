namespace Agent.Connectors.Forward;

/// <summary>The <c>forward</c> connector has no settings, as in the Collector.</summary>
public sealed class ForwardConnectorOptions
{
}
