using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// Every batch carries the sending client's address, and its headers when <c>include_metadata</c> is set for the
/// protocol, as sent by the real OpenTelemetry .NET exporter.
/// </summary>
public class OtlpClientContextTests
{
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(OtlpExportProtocol.Grpc, false)]
    [InlineData(OtlpExportProtocol.Grpc, true)]
    [InlineData(OtlpExportProtocol.HttpProtobuf, false)]
    [InlineData(OtlpExportProtocol.HttpProtobuf, true)]
    public async Task Batches_carry_the_peer_address_and_with_include_metadata_the_headers(OtlpExportProtocol protocol, bool includeMetadata)
    {
        // include_metadata is set on the protocol under test only: the other protocol's setting must not leak in.
        await using var otlp = await OtlpTestReceiver.StartAsync(o =>
        {
            o.Protocols.Grpc!.IncludeMetadata = includeMetadata && protocol == OtlpExportProtocol.Grpc;
            o.Protocols.Http!.IncludeMetadata = includeMetadata && protocol == OtlpExportProtocol.HttpProtobuf;
        });

        SendOneSpan(otlp, protocol, headers: "x-tenant=acme,x-team=checkout");

        var context = Assert.Single(otlp.Traces.Received).Context;
        Assert.Equal(IPAddress.Loopback, context.PeerAddress);
        if (includeMetadata)
        {
            Assert.Equal(["acme"], context.Metadata["x-tenant"]);
            Assert.Equal(["checkout"], context.Metadata["X-Team"]);
            Assert.Contains("OTel", Assert.Single(context.Metadata["user-agent"]), StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.Empty(context.Metadata);
        }
    }

    private static void SendOneSpan(OtlpTestReceiver otlp, OtlpExportProtocol protocol, string headers)
    {
        using var source = new ActivitySource("otlp-client-context-tests." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? otlp.GrpcAddress : new Uri(otlp.HttpAddress, "/v1/traces");
                o.Headers = headers;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        source.StartActivity("GET /cart", ActivityKind.Server)!.Stop();
        Assert.True(provider.ForceFlush(10_000));
    }
}
