using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Agent.Core.Net;

/// <summary>Reads the PEM files the <c>tls</c> block names, with errors that say which file is wrong.</summary>
internal static class PemCertificates
{
    /// <summary>Every certificate of a PEM file (a CA bundle).</summary>
    public static X509Certificate2Collection LoadAll(string pemFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(pemFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the certificates in \"{pemFile}\": {ex.Message}", ex);
        }

        if (certificates.Count == 0)
        {
            throw new InvalidOperationException($"\"{pemFile}\" holds no PEM certificate");
        }

        return certificates;
    }

    /// <summary>A certificate with its private key, from a certificate file and a key file.</summary>
    public static X509Certificate2 LoadWithKey(string certFile, string keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);

            // A key loaded from PEM is ephemeral, and the TLS stack of some platforms (Windows) needs it
            // store-backed: a PKCS#12 round trip gives it that form everywhere.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the certificate \"{certFile}\" with key \"{keyFile}\": {ex.Message}", ex);
        }
    }
}
