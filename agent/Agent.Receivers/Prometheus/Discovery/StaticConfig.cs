namespace Agent.Receivers.Prometheus.Discovery;

/// <summary>One entry of <c>static_configs</c>: addresses and the labels they all get.</summary>
public sealed class StaticConfig
{
    /// <summary><c>host:port</c> addresses.</summary>
    public List<string> Targets { get; set; } = [];

    public Dictionary<string, string> Labels { get; set; } = [];
}
