namespace Agent.Exporters.Otlp;

/// <summary>The <c>otlp</c> exporter (OTLP over gRPC), configured as in the Collector.</summary>
public sealed class OtlpExporterOptions : OtlpClientOptions
{
    /// <summary>HTTP/2 pings that keep the connection open through idle periods and find dead peers.</summary>
    public KeepaliveOptions? Keepalive { get; set; }

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (!GrpcTarget.TryResolve(Endpoint, Tls.Insecure, out _, out string error))
        {
            yield return ("endpoint", error);
        }
    }
}

/// <summary>The Collector's gRPC client <c>keepalive</c> block.</summary>
public sealed class KeepaliveOptions : Core.Config.IValidatable
{
    /// <summary>Ping after this long without activity.</summary>
    public TimeSpan Time { get; set; }

    /// <summary>Close the connection when a ping is not answered within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Ping even when no request is in flight.</summary>
    public bool PermitWithoutStream { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Time < TimeSpan.Zero)
        {
            yield return ("time", "must not be negative");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return ("timeout", "must be positive");
        }
    }
}
