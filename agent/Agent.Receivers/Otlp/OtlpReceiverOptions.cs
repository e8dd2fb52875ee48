using Agent.Core.Config;
using Agent.Core.Net;
using Agent.Http;

namespace Agent.Receivers.Otlp;

/// <summary>
/// The Collector's <c>otlp</c> receiver block. As in the Collector, only the protocols written under
/// <c>protocols</c> are served: <c>otlp: {protocols: {http: {}}}</c> opens the HTTP port alone.
/// </summary>
public sealed class OtlpReceiverOptions : IPresenceAware, IValidatable
{
    public OtlpProtocolsOptions Protocols { get; set; } = new();

    /// <summary>
    /// How long a request waits for room when the pipeline behind the receiver is full, before it is answered with
    /// the retryable status (gRPC UNAVAILABLE, HTTP 503 with Retry-After). Not a Collector key: the Collector
    /// blocks until the client's deadline; answering early lets clients back off instead of piling up connections.
    /// </summary>
    public TimeSpan BackpressureTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When clients are answered. True: once every exporter has delivered the data (end-to-end acknowledgement).
    /// False: once the pipeline's bounded buffers took it, as the Collector answers, so an SDK exporting one batch at
    /// a time is not held for the batch timeout plus the export. Unset (null): per signal, once the data is written
    /// to disk when every exporter behind the receiver has a persistent queue (so a killed agent loses nothing it
    /// answered for), else at acceptance; it follows a reload. Not a Collector key.
    /// </summary>
    public bool? Acknowledgements { get; set; }

    /// <summary>
    /// Request bytes the receiver holds at once over gRPC and HTTP together, from the first byte read until the
    /// pipeline took the data; a request that finds them spent is answered with the retryable status at once
    /// (UNAVAILABLE, 503 with Retry-After) instead of being buffered. A request alone may exceed it, within its size
    /// limit. Not a Collector key.
    /// </summary>
    public int MaxInFlightBytesMib { get; set; } = 128;

    /// <summary>Attribute count and value length limits applied to everything received, over both protocols.</summary>
    public OtlpLimitsOptions Limits { get; set; } = new();

    public void OnKeysPresent(IReadOnlySet<string> keys)
    {
        if (!keys.Contains("protocols"))
        {
            // `otlp:` alone names no protocol: the Collector refuses it, and so does validation here.
            Protocols.Grpc = null;
            Protocols.Http = null;
        }
    }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (BackpressureTimeout <= TimeSpan.Zero)
        {
            yield return ("backpressure_timeout", "must be positive");
        }

        if (MaxInFlightBytesMib is < 1 or > 65535)
        {
            yield return ("max_in_flight_bytes_mib", $"must be between 1 and 65535, not {MaxInFlightBytesMib}");
        }
    }
}

/// <summary>The <c>protocols</c> block: a protocol is enabled when its key is present, even with an empty value.</summary>
public sealed class OtlpProtocolsOptions : IPresenceAware, IValidatable
{
    public OtlpGrpcOptions? Grpc { get; set; } = new();

    public OtlpHttpOptions? Http { get; set; } = new();

    public void OnKeysPresent(IReadOnlySet<string> keys)
    {
        // `grpc:` with no value still means "serve gRPC with the defaults".
        Grpc = keys.Contains("grpc") ? Grpc ?? new OtlpGrpcOptions() : null;
        Http = keys.Contains("http") ? Http ?? new OtlpHttpOptions() : null;
    }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Grpc is null && Http is null)
        {
            yield return (string.Empty, "must specify at least one protocol when using the OTLP receiver");
        }
    }
}

/// <summary>The <c>protocols.grpc</c> block.</summary>
public sealed class OtlpGrpcOptions : IValidatable, IListeningOptions
{
    /// <summary><c>host:port</c>; an empty host listens on every interface, port 0 picks a free port.</summary>
    public string Endpoint { get; set; } = "localhost:4317";

    public (string Key, string Endpoint)? ListenAddress => ("endpoint", Endpoint);

    /// <summary>
    /// The largest request accepted, in MiB, checked both on the wire and after decompression (RESOURCE_EXHAUSTED
    /// beyond it). The Collector's default is 4; ours is 64, the agent's request limit.
    /// </summary>
    public int MaxRecvMsgSizeMib { get; set; } = 64;

    /// <summary>Keep the request's metadata (headers) with its batches, for processors that read them.</summary>
    public bool IncludeMetadata { get; set; }

    /// <summary>Serve TLS (with <c>client_ca_file</c>, mutual TLS); null = cleartext HTTP/2.</summary>
    public TlsServerOptions? Tls { get; set; }

    /// <summary>The authenticator extension every call must satisfy; null = none.</summary>
    public ServerAuthOptions? Auth { get; set; }

    /// <summary>HTTP/2 pings and idle connections; null = Kestrel's defaults.</summary>
    public GrpcKeepaliveOptions? Keepalive { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!ListenEndpoint.TryParse(Endpoint, out _, out string? error))
        {
            yield return ("endpoint", error);
        }

        if (MaxRecvMsgSizeMib is < 1 or > 2047)
        {
            yield return ("max_recv_msg_size_mib", "must be between 1 and 2047");
        }
    }
}

/// <summary>The <c>protocols.http</c> block.</summary>
public sealed class OtlpHttpOptions : IValidatable, IListeningOptions
{
    /// <summary><c>host:port</c>; an empty host listens on every interface, port 0 picks a free port.</summary>
    public string Endpoint { get; set; } = "localhost:4318";

    public (string Key, string Endpoint)? ListenAddress => ("endpoint", Endpoint);

    public string TracesUrlPath { get; set; } = "/v1/traces";

    public string MetricsUrlPath { get; set; } = "/v1/metrics";

    public string LogsUrlPath { get; set; } = "/v1/logs";

    /// <summary>
    /// The largest request body accepted, in bytes, both as sent and after decompression (413 beyond it); a gzip
    /// body is inflated only up to this size. The Collector's default is 20 MiB; ours is 64 MiB.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = 64L * 1024 * 1024;

    /// <summary>Keep the request's headers with its batches, for processors that read them.</summary>
    public bool IncludeMetadata { get; set; }

    /// <summary>Serve HTTPS (with <c>client_ca_file</c>, mutual TLS); null = cleartext HTTP/1.1 and h2c.</summary>
    public TlsServerOptions? Tls { get; set; }

    /// <summary>The authenticator extension every request must satisfy; null = none.</summary>
    public ServerAuthOptions? Auth { get; set; }

    /// <summary>Which browser origins may send data; null or no origins = no CORS headers.</summary>
    public CorsOptions? Cors { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!ListenEndpoint.TryParse(Endpoint, out _, out string? error))
        {
            yield return ("endpoint", error);
        }

        foreach (var (key, path) in new[] { ("traces_url_path", TracesUrlPath), ("metrics_url_path", MetricsUrlPath), ("logs_url_path", LogsUrlPath) })
        {
            if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsWhiteSpace))
            {
                yield return (key, "must be a URL path without spaces, such as /v1/traces");
            }
        }

        if (NormalizePath(TracesUrlPath) == NormalizePath(MetricsUrlPath) || NormalizePath(TracesUrlPath) == NormalizePath(LogsUrlPath) ||
            NormalizePath(MetricsUrlPath) == NormalizePath(LogsUrlPath))
        {
            yield return (string.Empty, "traces_url_path, metrics_url_path and logs_url_path must differ");
        }

        if (MaxRequestBodySize is < 1 or > int.MaxValue)
        {
            yield return ("max_request_body_size", $"must be between 1 and {int.MaxValue} bytes");
        }
    }

    /// <summary>The Collector accepts paths without the leading slash and adds it; so do we.</summary>
    internal static string NormalizePath(string path) => path.StartsWith('/') ? path : "/" + path;
}
