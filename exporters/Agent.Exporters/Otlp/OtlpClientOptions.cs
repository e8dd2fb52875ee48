using Agent.Core.Config;
using Agent.Core.Net;

namespace Agent.Exporters.Otlp;

/// <summary>
/// The settings the <c>otlp</c> and <c>otlphttp</c> exporters share, under the Collector's keys: where to send,
/// with which headers, compression and TLS, and how to queue and retry.
/// </summary>
public abstract class OtlpClientOptions : IValidatable
{
    public const string Gzip = "gzip";
    public const string NoCompression = "none";

    public string? Endpoint { get; set; }

    /// <summary>Added to every request (for example a tenant id or an authorization header).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>How long one request may take before it is abandoned and retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>gzip</c> (the Collector's default) or <c>none</c>.</summary>
    public string Compression { get; set; } = Gzip;

    public TlsClientOptions Tls { get; set; } = new();

    public SendingQueueOptions SendingQueue { get; set; } = new();

    public RetryOptions RetryOnFailure { get; set; } = new();

    // Internal so it never looks like a config key.
    internal bool UsesGzip => Compression == Gzip;

    public virtual IEnumerable<(string Key, string Message)> Validate()
    {
        if (Compression is not (Gzip or NoCompression))
        {
            yield return ("compression", $"must be gzip or none, not \"{Compression}\"");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return ("timeout", "must be positive");
        }

        foreach (var name in Headers.Keys)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                yield return ("headers", $"\"{name}\" is not a valid header name");
            }
        }
    }
}
