namespace Agent.LoadHarness.Measurement;

/// <summary>
/// The binary under load: the published agent, or a peer OpenTelemetry Collector run on the same load and the same
/// Collector-shaped configuration. They differ in how they are started and how they say they are ready.
/// </summary>
internal sealed record AgentBinary(string Path, string Kind)
{
    public const string AgentKind = "agent";
    public const string CollectorKind = "otelcol";

    public bool IsCollector => Kind == CollectorKind;

    /// <summary>The command-line arguments that run it on <paramref name="configPath"/>.</summary>
    public string[] Arguments(string configPath, string dataDirectory) =>
        IsCollector ? ["--config", configPath] : ["run", "--config", configPath, "--data-dir", dataDirectory];

    /// <summary>The self-telemetry path that answers 200 once it runs: the agent's readiness, the Collector's metrics.</summary>
    public string ReadyPath => IsCollector ? "/metrics" : "/readyz";

    public override string ToString() => $"{Kind}: {Path}";
}
