using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Agent.Tests.Fakes;

/// <summary>
/// A private certificate authority made on the spot, with a server certificate for 127.0.0.1/localhost and a client
/// certificate, also written as PEM files (what <c>tls.ca_file</c>, <c>cert_file</c> and <c>key_file</c> name).
/// ECDSA keys, because they are made in an instant. Usable as an xunit class fixture.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "agent-tests-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Agent Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        // The server certificate keeps using its key, so that one stays undisposed.
        Server = Issue(Authority, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", names.Build(), out _);
        Client = Issue(Authority, "CN=agent-test-client", "1.3.6.1.5.5.7.3.2", null, out var clientKey);

        File.WriteAllText(CaFile, Authority.ExportCertificatePem());
        File.WriteAllText(ClientCertFile, Client.ExportCertificatePem());
        File.WriteAllText(ClientKeyFile, clientKey.ExportPkcs8PrivateKeyPem());
        clientKey.Dispose();
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    /// <summary>Signed by <see cref="Authority"/>, with its private key, for 127.0.0.1 and localhost.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>Signed by <see cref="Authority"/>, for client authentication.</summary>
    public X509Certificate2 Client { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client-key.pem");

    /// <summary>Writes a second, unrelated authority: a CA file that must not make the server trusted.</summary>
    public string WriteUnrelatedCaFile()
    {
        string path = Path.Combine(Directory, "other-ca.pem");
        if (File.Exists(path))
        {
            return path;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Someone Else", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        File.WriteAllText(path, other.ExportCertificatePem());
        return path;
    }

    /// <summary>Issues another client certificate from <see cref="Authority"/> and writes it over the given PEM files (a rotation).</summary>
    public void WriteClientCertificate(string subject, string certFile, string keyFile)
    {
        using var certificate = Issue(Authority, subject, "1.3.6.1.5.5.7.3.2", null, out var key);
        using (key)
        {
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certFile, certificate.ExportCertificatePem());
        }
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, string usage, X509Extension? names, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        byte[] serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(6), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
