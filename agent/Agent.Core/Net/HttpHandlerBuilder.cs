using System.Net;
using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Net;

/// <summary>
/// Turns <see cref="HttpClientOptions"/> into the handler chain every outgoing client uses, HttpClient and gRPC
/// channel alike: credentials → server name override → a <see cref="SocketsHttpHandler"/> with the TLS settings
/// (private CA, client certificate, minimum version, file reloads) and the proxy.
/// </summary>
public static class HttpHandlerBuilder
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A handler for one component; the caller owns it (an HttpClient or gRPC channel disposes it).
    /// <paramref name="configure"/> adjusts the socket handler further (the gRPC exporter's keepalive pings);
    /// <paramref name="logger"/> (the component's) hears when a certificate or token file cannot be read again.
    /// </summary>
    public static HttpMessageHandler Create(HttpClientOptions options, Action<SocketsHttpHandler>? configure = null, ILogger? logger = null) =>
        Create(options, configure, TimeProvider.System, logger);

    /// <summary>An HttpClient over <see cref="Create(HttpClientOptions, Action{SocketsHttpHandler}?, ILogger?)"/>, without its own timeout.</summary>
    public static HttpClient CreateClient(HttpClientOptions options, ILogger? logger = null) =>

        // The sending queue owns the per-attempt timeout; the client's own would cut retries short.
        new(Create(options, configure: null, logger), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    internal static HttpMessageHandler Create(HttpClientOptions options, Action<SocketsHttpHandler>? configure, TimeProvider time, ILogger? logger = null)
    {
        var tls = options.Tls;
        var sockets = new SocketsHttpHandler
        {
            // Backends behind a load balancer or a moving service: re-resolve and reconnect now and then. With
            // reload_interval, also often enough that new connections pick up rotated certificates.
            PooledConnectionLifetime = tls.ReloadInterval > TimeSpan.Zero && tls.ReloadInterval < ConnectionLifetime
                ? tls.ReloadInterval
                : ConnectionLifetime,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        ApplyTls(sockets.SslOptions, tls, time, logger);
        ApplyProxy(sockets, options.ProxyUrl);
        configure?.Invoke(sockets);

        HttpMessageHandler handler = string.IsNullOrEmpty(tls.ServerNameOverride)
            ? sockets
            : new AuthorityOverrideHandler(tls.ServerNameOverride, sockets);
        return AuthorizationHandler.Wrap(options.Auth, handler, time, logger);
    }

    private static void ApplyTls(SslClientAuthenticationOptions ssl, TlsClientOptions tls, TimeProvider time, ILogger? logger)
    {
        ssl.EnabledSslProtocols = tls.Protocols;
        var files = new TlsFiles(tls, time, logger);
        if (tls.InsecureSkipVerify)
        {
            // The user asked for no verification (tests, throwaway setups): that is the whole point of the option.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (tls.CaFile is not null)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                files.Roots is { } roots && CertificateTrust.IsTrustedBy(roots, certificate, chain, errors);
        }

        if (tls.CertFile is not null)
        {
            // Asked per handshake rather than fixed, so a reloaded certificate reaches the next connection.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => files.ClientCertificate!;
        }
    }

    private static void ApplyProxy(SocketsHttpHandler sockets, string? proxyUrl)
    {
        if (string.IsNullOrEmpty(proxyUrl))
        {
            // Left to the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as in the Collector.
            return;
        }

        var address = new Uri(proxyUrl, UriKind.Absolute);
        var proxy = new WebProxy(address);
        if (address.UserInfo.Length > 0)
        {
            string[] parts = address.UserInfo.Split(':', 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
        }

        sockets.Proxy = proxy;
        sockets.UseProxy = true;
    }
}
