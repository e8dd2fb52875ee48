using Agent.Core.Delivery;
using Agent.Tests.Fakes;

namespace Agent.Tests.Exporters.OtlpHttp;

public sealed class OtlpHttpExporterTlsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_https_server_signed_by_the_ca_file_is_trusted_and_sees_the_client_certificate()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = certificates.Server, AskClientCertificate = true });
        var options = OtlpHttpExporterTests.Options(backend.HttpEndpoint.ToString());
        options.Tls.CaFile = certificates.CaFile;
        options.Tls.CertFile = certificates.ClientCertFile;
        options.Tls.KeyFile = certificates.ClientKeyFile;
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlphttp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(2);
            var expected = batch.Data.Clone();
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(expected, Assert.Single(backend.Traces));
            Assert.Equal("CN=agent-test-client", Assert.Single(backend.Requests).ClientCertificateSubject);
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_the_ca_file_the_server_is_not_trusted()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = certificates.Server });
        var options = OtlpHttpExporterTests.Options(backend.HttpEndpoint.ToString());
        options.RetryOnFailure.MaxElapsedTime = TimeSpan.FromMilliseconds(300);
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlphttp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
            Assert.Empty(backend.Requests);
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }
}
