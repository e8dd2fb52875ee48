using Agent.Core.Delivery;
using Agent.Exporters.OtlpHttp;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.OtlpShared.OtlpExporterUnderTest;

namespace Agent.Tests.Exporters.OtlpHttp;

/// <summary>What only the HTTP exporter does; what it shares with otlp (gRPC) is in <c>OtlpExporterSuite</c>.</summary>
public sealed class OtlpHttpExporterTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_signal_endpoint_overrides_the_base_endpoint()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.HttpEndpoint.ToString());
        options.TracesEndpoint = new Uri(backend.HttpEndpoint, "/tempo/api/push/traces").ToString();
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            var request = Assert.Single(backend.Requests);
            Assert.Equal("/tempo/api/push/traces", request.Path);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Too_many_requests_is_retried_like_service_unavailable()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(2, 429);
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), Options(backend.HttpEndpoint.ToString()));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(3);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(["429", "429", "accepted"], backend.Requests.Select(r => r.Outcome));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    internal static OtlpHttpExporterOptions Options(string endpoint) => (OtlpHttpExporterOptions)OtlpShared.OtlpExporterUnderTest.Options(FakeOtlpTransport.Http, endpoint);
}
