using Agent.Core.Config;

namespace Agent.Config;

/// <summary><c>service.telemetry</c>: the agent's own logs and metrics.</summary>
internal sealed class TelemetryOptions
{
    public TelemetryLogsOptions Logs { get; set; } = new();

    public TelemetryMetricsOptions Metrics { get; set; } = new();
}

internal sealed class TelemetryLogsOptions : IValidatable
{
    /// <summary>debug, info, warn or error.</summary>
    public string Level { get; set; } = "info";

    /// <summary>json (structured, the default) or console (human-readable).</summary>
    public string Encoding { get; set; } = "json";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Level is not ("debug" or "info" or "warn" or "error"))
        {
            yield return ("level", $"must be debug, info, warn or error, not \"{Level}\"");
        }

        if (Encoding is not ("json" or "console"))
        {
            yield return ("encoding", $"must be json or console, not \"{Encoding}\"");
        }
    }
}

internal sealed class TelemetryMetricsOptions : IValidatable, IListeningOptions
{
    /// <summary>Where <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> are served; as in the Collector, localhost:8888.</summary>
    public string Address { get; set; } = "localhost:8888";

    /// <summary>none turns the endpoint off; basic, normal and detailed serve it.</summary>
    public string Level { get; set; } = "normal";

    public (string Key, string Endpoint)? ListenAddress => Level == "none" ? null : ("address", Address);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Level is not ("none" or "basic" or "normal" or "detailed"))
        {
            yield return ("level", $"must be none, basic, normal or detailed, not \"{Level}\"");
        }

        if (Level != "none" && !Http.ListenEndpoint.TryParse(Address, out _, out string? error))
        {
            yield return ("address", error!);
        }
    }
}
