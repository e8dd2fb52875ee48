using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Net;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Builds the HTTP handler of a client from the Collector's <c>tls</c> block: a private CA instead of the system's,
/// a client certificate for mutual TLS, no verification at all for tests, and a server name override.
/// </summary>
public static class ClientTls
{
    /// <summary>A handler for one exporter; the caller owns it (an HttpClient or gRPC channel disposes it).</summary>
    public static HttpMessageHandler CreateHandler(TlsClientOptions? tls, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            // Backends behind a load balancer scale out: re-resolve and reconnect now and then.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(handler);
        if (tls is null)
        {
            return handler;
        }

        if (tls.InsecureSkipVerify)
        {
            // The user asked for no verification (tests, throwaway setups): that is the whole point of the option.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (tls.CaFile is { } caFile)
        {
            var roots = LoadCertificates(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
                IsTrustedBy(roots, certificate, presented, errors);
        }

        if (tls.CertFile is { } certFile && tls.KeyFile is { } keyFile)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }

        // The TLS name always comes from the request's host, so overriding it means overriding the authority,
        // which is also what the Collector's server_name_override does.
        return string.IsNullOrEmpty(tls.ServerNameOverride)
            ? handler
            : new AuthorityOverrideHandler(tls.ServerNameOverride, handler);
    }

    /// <summary>Reads every certificate of a PEM file, with a clear error when there is none.</summary>
    public static X509Certificate2Collection LoadCertificates(string pemFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(pemFile);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new InvalidOperationException($"cannot read the certificates in \"{pemFile}\": {ex.Message}", ex);
        }

        if (certificates.Count == 0)
        {
            throw new InvalidOperationException($"\"{pemFile}\" holds no PEM certificate");
        }

        return certificates;
    }

    /// <summary>The server's chain must end at one of <paramref name="roots"/> (and only those), and its name must match.</summary>
    internal static bool IsTrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private sealed class AuthorityOverrideHandler(string authority, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = authority;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
