using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Http;

/// <summary>How one <see cref="EmbeddedHttpServer"/> listens and what it serves.</summary>
public sealed record EmbeddedHttpServerOptions(ListenEndpoint Endpoint, ILoggerFactory LoggerFactory)
{
    /// <summary>Protocols and connection middleware of the listening socket (HTTP/2 only for gRPC, h2c, ...).</summary>
    public Action<ListenOptions>? ConfigureListener { get; init; }

    /// <summary>TLS on the listener (after <see cref="ConfigureListener"/>'s middleware); null = cleartext.</summary>
    public ServerCertificates? Tls { get; init; }

    /// <summary>Server-wide Kestrel settings beyond the listener (HTTP/2 keepalive pings, idle timeout).</summary>
    public Action<KestrelServerOptions>? ConfigureServer { get; init; }

    /// <summary>Kestrel's body limit; null leaves it to the handler.</summary>
    public long? MaxRequestBodySize { get; init; }

    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Adds the middleware and endpoints that answer requests.</summary>
    public required Action<WebApplication> Handlers { get; init; }
}
