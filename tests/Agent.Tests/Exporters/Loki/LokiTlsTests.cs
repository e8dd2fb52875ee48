using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

public sealed class LokiTlsTests : IDisposable
{
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"loki-ca-{Guid.NewGuid():N}.pem");

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Pushes_over_https_trust_the_configured_ca_and_nothing_else()
    {
        using var certificate = SelfSigned();
        await File.WriteAllTextAsync(_caFile, certificate.ExportCertificatePem());
        await using var loki = await FakeLoki.StartAsync(certificate);
        Assert.Equal("https", loki.BaseUri.Scheme);

        var trusting = Options(loki);
        trusting.Tls.CaFile = _caFile;
        var (exporter, _) = await StartAsync(trusting);
        var untrusting = Options(loki);
        untrusting.RetryOnFailure.Enabled = false;
        var (stranger, _) = await StartAsync(untrusting);
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "secret line"));
        chunk.Retain(1); // it goes into two batches, and each exporter lets go of it once encoded

        var trusted = new LogsBatch();
        trusted.Raw.Add(chunk);
        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, trusted));
        var refused = new LogsBatch();
        refused.Raw.Add(chunk);
        Assert.Equal(DeliveryStatus.Errored, await SendAsync(stranger, refused));

        Assert.Equal("secret line", Assert.Single(loki.Entries).Line);
        await exporter.ShutdownAsync(CancellationToken.None);
        await stranger.ShutdownAsync(CancellationToken.None);
    }

    public void Dispose() => File.Delete(_caFile);

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake-loki", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Kestrel on Linux wants the key in a form it can hand to the TLS stack.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
