using Agent.Core.Config;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Telemetry;
using Agent.Exporters.Otlp;
using Agent.Tests.Fakes;

namespace Agent.Tests.Exporters.Otlp;

public sealed class OtlpExporterTlsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private readonly TestCertificates _certificates = certificates;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_server_signed_by_the_ca_file_is_trusted()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = _certificates.Server });
        // host:port without tls.insecure means TLS, as in the Collector.
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlp"), Options(backend.GrpcHostPort, new TlsClientOptions { CaFile = _certificates.CaFile }));
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(2);
            var expected = batch.Data.Clone();
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(expected, Assert.Single(backend.Traces));
            Assert.Equal("https", ((OtlpExporter)exporter).Target.Scheme);
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_client_certificate_is_presented_for_mutual_tls()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = _certificates.Server, AskClientCertificate = true });
        var tls = new TlsClientOptions { CaFile = _certificates.CaFile, CertFile = _certificates.ClientCertFile, KeyFile = _certificates.ClientKeyFile };
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlp"), Options(backend.GrpcEndpoint.ToString(), tls));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(1);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal("CN=agent-test-client", Assert.Single(backend.Requests).ClientCertificateSubject);
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_server_the_ca_file_did_not_sign_gets_nothing()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = _certificates.Server });
        var id = OtlpSamples.UniqueId("otlp");
        var options = Options(backend.GrpcHostPort, new TlsClientOptions { CaFile = _certificates.WriteUnrelatedCaFile() });
        options.RetryOnFailure.MaxElapsedTime = TimeSpan.FromMilliseconds(300);
        var log = new RecordingLogger();
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(id, options, log);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(3);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Errored, await done.Outcome());
            Assert.Empty(backend.Requests);
            Assert.Equal(3, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, "retries_exhausted"));
            Assert.Contains(log.Messages, m => m.Contains("certificate", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Insecure_skip_verify_accepts_any_server_certificate()
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = _certificates.Server });
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlp"), Options(backend.GrpcHostPort, new TlsClientOptions { InsecureSkipVerify = true }));
        try
        {
            var (batch, done) = OtlpSamples.MetricsBatch(1);
            await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("localhost", DeliveryStatus.Delivered)]
    [InlineData("elsewhere.example", DeliveryStatus.Errored)]
    public async Task Server_name_override_is_the_name_checked_and_the_authority_sent(string serverName, DeliveryStatus expected)
    {
        await using var backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { ServerCertificate = _certificates.Server });
        var options = Options(backend.GrpcHostPort, new TlsClientOptions { CaFile = _certificates.CaFile, ServerNameOverride = serverName });
        options.RetryOnFailure.MaxElapsedTime = TimeSpan.FromMilliseconds(300);
        var exporter = await OtlpShared.OtlpExporterUnderTest.StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(expected, await done.Outcome());
            if (expected == DeliveryStatus.Delivered)
            {
                Assert.Equal("localhost", Assert.Single(backend.Requests).Headers["host"]);
            }
            else
            {
                Assert.Empty(backend.Requests);
            }
        }
        finally
        {
            await OtlpShared.OtlpExporterUnderTest.StopAsync(exporter);
        }
    }

    private static OtlpExporterOptions Options(string endpoint, TlsClientOptions tls) => new()
    {
        Endpoint = endpoint,
        Tls = tls,
        RetryOnFailure = new RetryOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(50),
            MaxInterval = TimeSpan.FromMilliseconds(100),
            MaxElapsedTime = TimeSpan.FromSeconds(20),
        },
    };
}
