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
