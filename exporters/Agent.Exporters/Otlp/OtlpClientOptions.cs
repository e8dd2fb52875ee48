using Agent.Core.Config;
using Agent.Core.Net;

namespace Agent.Exporters.Otlp;

/// <summary>
/// The settings the <c>otlp</c> and <c>otlphttp</c> exporters share, under the Collector's keys: the shared HTTP
/// client settings, plus compression and how to queue and retry.
/// </summary>
public abstract class OtlpClientOptions : HttpClientOptions
{
    public const string Gzip = "gzip";
    public const string NoCompression = "none";

    /// <summary><c>gzip</c> (the Collector's default) or <c>none</c>.</summary>
    public string Compression { get; set; } = Gzip;

    public SendingQueueOptions SendingQueue { get; set; } = new();

    public RetryOptions RetryOnFailure { get; set; } = new();

    // Internal so it never looks like a config key.
    internal bool UsesGzip => Compression == Gzip;

    // OTLP has always required a positive timeout: gRPC sends it to the server as the call deadline.
    protected override bool TimeoutMayBeZero => false;

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        if (Compression is not (Gzip or NoCompression))
        {
            yield return ("compression", $"must be gzip or none, not \"{Compression}\"");
        }

        foreach (var problem in base.Validate())
        {
            yield return problem;
        }
    }
}
