using Agent.Core.Config;

namespace Agent.Http;

/// <summary>
/// The Collector's gRPC server <c>keepalive</c> block. Kestrel has settings for <c>time</c>, <c>timeout</c> and
/// <c>max_connection_idle</c>; it has none for the others, which are accepted (a Collector configuration loads
/// unchanged), reported by <see cref="Unsupported"/> and logged at start.
/// </summary>
public sealed class GrpcKeepaliveOptions
{
    public GrpcKeepaliveServerParameters? ServerParameters { get; set; }

    public GrpcKeepaliveEnforcementPolicy? EnforcementPolicy { get; set; }

    /// <summary>The keys set here that Kestrel cannot honour, with what happens instead.</summary>
    public IEnumerable<string> Unsupported()
    {
        if (ServerParameters?.MaxConnectionAge > TimeSpan.Zero)
        {
            yield return "server_parameters.max_connection_age (connections are not closed for their age)";
        }

        if (ServerParameters?.MaxConnectionAgeGrace > TimeSpan.Zero)
        {
            yield return "server_parameters.max_connection_age_grace";
        }

        if (EnforcementPolicy is not null)
        {
            yield return "enforcement_policy (client pings are answered whatever their rate)";
        }
    }
}

/// <summary>The <c>keepalive.server_parameters</c> block; 0 leaves Kestrel's default.</summary>
public sealed class GrpcKeepaliveServerParameters : IValidatable
{
    /// <summary>A connection with no call for this long is closed (Kestrel's keep-alive timeout).</summary>
    public TimeSpan MaxConnectionIdle { get; set; }

    public TimeSpan MaxConnectionAge { get; set; }

    public TimeSpan MaxConnectionAgeGrace { get; set; }

    /// <summary>After this long without frames from the client, the server pings it (Kestrel's ping delay).</summary>
    public TimeSpan Time { get; set; }

    /// <summary>A ping unanswered for this long closes the connection (Kestrel's ping timeout).</summary>
    public TimeSpan Timeout { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (key, value) in new[]
        {
            ("max_connection_idle", MaxConnectionIdle), ("max_connection_age", MaxConnectionAge),
            ("max_connection_age_grace", MaxConnectionAgeGrace), ("time", Time), ("timeout", Timeout),
        })
        {
            if (value < TimeSpan.Zero)
            {
                yield return (key, "must not be negative");
            }
        }
    }
}

/// <summary>The <c>keepalive.enforcement_policy</c> block (not enforced: Kestrel has no such policy).</summary>
public sealed class GrpcKeepaliveEnforcementPolicy
{
    public TimeSpan MinTime { get; set; }

    public bool PermitWithoutStream { get; set; }
}
