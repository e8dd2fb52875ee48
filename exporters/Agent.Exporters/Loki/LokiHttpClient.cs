using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Net;

namespace Agent.Exporters.Loki;

/// <summary>The HTTP client pushes go through, with the <c>tls</c> block applied (CA file, client certificate, server name).</summary>
internal static class LokiHttpClient
{
    public static HttpClient Create(TlsClientOptions tls)
    {
        var handler = new SocketsHttpHandler
        {
            // Fresh connections now and then, so DNS changes (a Loki service moving) are picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = SslOptions(tls),
        };

        // The sending queue owns the per-attempt timeout.
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private static SslClientAuthenticationOptions SslOptions(TlsClientOptions tls)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (!string.IsNullOrEmpty(tls.ServerNameOverride))
        {
            ssl.TargetHost = tls.ServerNameOverride;
        }

        if (tls.CertFile is not null && tls.KeyFile is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);

            // A PEM key is ephemeral; TLS on some platforms needs it in a store-backed form.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            ssl.ClientCertificates = [certificate];
        }

        if (tls.InsecureSkipVerify)
        {
            // Asked for explicitly (tests, throwaway setups): the option's name says what it gives up.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (tls.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(tls.CaFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                TrustedBy(roots, certificate, errors);
        }

        return ssl;
    }

    /// <summary>Checks the server's certificate against the configured CA only (not the system store).</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
