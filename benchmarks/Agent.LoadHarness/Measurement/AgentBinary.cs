namespace Agent.LoadHarness.Measurement;

/// <summary>
/// The binary under load: the published agent, or a peer run on the same load: an OpenTelemetry Collector on the
/// same Collector-shaped configuration, or Fluent Bit on its own configuration file. They differ in how they are
/// started and how they say they are ready.
/// </summary>
internal sealed record AgentBinary(string Path, string Kind)
{
    public const string AgentKind = "agent";
    public const string CollectorKind = "otelcol";
    public const string FluentBitKind = "fluent-bit";

    public bool IsCollector => Kind == CollectorKind;

    public bool IsFluentBit => Kind == FluentBitKind;

    /// <summary>The command-line arguments that run it on <paramref name="configPath"/>.</summary>
    public string[] Arguments(string configPath, string dataDirectory) => Kind switch
    {
        CollectorKind => ["--config", configPath],
        FluentBitKind => ["-c", configPath],
        _ => ["run", "--config", configPath, "--data-dir", dataDirectory],
    };

    /// <summary>
    /// The self-telemetry path that answers 200 once it runs: the agent's readiness, the Collector's metrics, Fluent
    /// Bit's HTTP server root (its build information).
    /// </summary>
    public string ReadyPath => Kind switch
    {
        CollectorKind => "/metrics",
        FluentBitKind => "/",
        _ => "/readyz",
    };

    public override string ToString() => $"{Kind}: {Path}";
}
