using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.Otlp;
using Agent.Tests.Fakes;
using Grpc.Core;
using static Agent.Tests.Exporters.OtlpShared.OtlpExporterUnderTest;

namespace Agent.Tests.Exporters.Otlp;

/// <summary>What only the gRPC exporter does; what it shares with otlphttp is in <c>OtlpExporterSuite</c>.</summary>
public sealed class OtlpExporterTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Headers_go_as_grpc_metadata_without_the_compression_directive()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.GrpcEndpoint.ToString());
        options.Headers["X-Scope-OrgID"] = "tenant-a";
        options.Headers["authorization"] = "Bearer secret";
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            var request = Assert.Single(backend.Requests);
            Assert.Equal("tenant-a", request.Headers["x-scope-orgid"]);
            Assert.Equal("Bearer secret", request.Headers["authorization"]);
            Assert.False(request.Headers.ContainsKey("grpc-internal-encoding-request"));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_auth_block_reaches_a_grpc_backend_over_the_shared_handler()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.GrpcEndpoint.ToString());
        options.Headers["authorization"] = "Bearer from-headers";
        options.Auth = new ClientAuthOptions { BearerToken = "from-auth" };
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal("Bearer from-auth", Assert.Single(backend.Requests).Headers["authorization"]);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resource_exhausted_is_retried_only_when_the_server_sends_retry_info(bool withRetryInfo)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(1, StatusCode.ResourceExhausted, retryAfter: withRetryInfo ? TimeSpan.FromMilliseconds(20) : null);
        var id = OtlpSamples.UniqueId("otlp");
        var exporter = await StartAsync(id, Options(backend.GrpcHostPort));
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(2);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            if (withRetryInfo)
            {
                Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
                Assert.Equal(2, backend.Requests.Count);
            }
            else
            {
                Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
                Assert.Single(backend.Requests);
                Assert.Equal(2, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, "permanent"));
            }
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    private static OtlpExporterOptions Options(string endpoint) => (OtlpExporterOptions)OtlpShared.OtlpExporterUnderTest.Options(FakeOtlpTransport.Grpc, endpoint);
}
