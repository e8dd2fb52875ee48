using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using Agent.Core.Net;
using Agent.Exporters.Otlp.Grpc;
using Agent.Receivers.Otlp;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// The receiver's <c>tls</c> block against the real OpenTelemetry .NET exporter and plain .NET clients, with
/// certificates made at test time: TLS on both protocols, mutual TLS, a certificate rotated on disk, min_version.
/// </summary>
public sealed class OtlpTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public OtlpTlsTests()
    {
        _pki.WriteServerCertificate();
    }

    public static TheoryData<OtlpExportProtocol> Protocols => [OtlpExportProtocol.Grpc, OtlpExportProtocol.HttpProtobuf];

    public void Dispose() => _pki.Dispose();

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Protocols))]
    public async Task The_sdk_exports_over_tls_when_it_trusts_the_ca(OtlpExportProtocol protocol)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, Tls()));

        ExportOneSpan(otlp, protocol, () => new HttpClient(_pki.Handler()));

        var span = Assert.Single(otlp.Traces.Received.SelectMany(b => b.Data.ResourceSpans).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans));
        Assert.Equal("over-tls", span.Name);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_cleartext_client_is_not_served_on_a_tls_port()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, Tls()));
        using var client = new HttpClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri(otlp.HttpAddress, "/v1/traces"), Protobuf()));

        Assert.Empty(otlp.Traces.Received);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Protocols))]
    public async Task Mutual_tls_takes_a_client_certificate_signed_by_the_client_ca(OtlpExportProtocol protocol)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, Tls(clientCa: true)));
        using var clientCertificate = _pki.IssueClientCertificate();

        ExportOneSpan(otlp, protocol, () => new HttpClient(_pki.Handler(clientCertificate)));

        Assert.Single(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Mutual_tls_refuses_clients_without_a_certificate_on_both_protocols()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, Tls(clientCa: true)));

        using (var client = new HttpClient(_pki.Handler()))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri(otlp.HttpsAddress, "/v1/traces"), Protobuf()));
        }

        using (var channel = GrpcChannel.ForAddress(otlp.GrpcsAddress, new GrpcChannelOptions { HttpHandler = _pki.Handler() }))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces()).ResponseAsync);
            // Under TLS 1.3 the server checks the client's certificate after the client finished its handshake, so the
            // refusal reaches the client as a failed connection or a broken stream, depending on timing.
            Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        }

        Assert.Empty(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Mutual_tls_refuses_a_client_certificate_from_another_ca()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, Tls(clientCa: true)));
        using var stranger = new TestPki();
        using var foreignCertificate = stranger.IssueClientCertificate();
        using var client = new HttpClient(_pki.Handler(foreignCertificate));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri(otlp.HttpsAddress, "/v1/traces"), Protobuf()));

        Assert.Empty(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_certificate_rotated_on_disk_is_served_to_the_next_connection_and_a_broken_one_is_counted_and_skipped()
    {
        var tls = Tls();
        tls.ReloadInterval = TimeSpan.FromMilliseconds(50);
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, tls));
        string first = await ServedThumbprintAsync(otlp.HttpsAddress);

        using var rotated = _pki.WriteServerCertificate("agent test server rotated");
        Assert.NotEqual(first, rotated.Thumbprint);
        await Eventually.ReadUntilAsync(() => ServedThumbprintAsync(otlp.HttpsAddress), served => served == rotated.Thumbprint, "the rotated certificate is served");

        await File.WriteAllTextAsync(_pki.ServerCertFile, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        // The files are looked at when a handshake comes, so each attempt connects; the broken file is counted (once
        // per change: a write caught half-way counts again) and the rotated certificate is still served.
        var (served, failures) = await Eventually.ReadUntilAsync(
            async () => (await ServedThumbprintAsync(otlp.HttpsAddress), SelfMetrics.Value("agent_receiver_tls_reload_failures_total", ("receiver", otlp.Name))),
            read => read.Item2 >= 1,
            "the failed reload is counted");
        Assert.Equal(rotated.Thumbprint, served);
        Assert.Equal(rotated.Thumbprint, await ServedThumbprintAsync(otlp.HttpsAddress));
        Assert.InRange(failures, 1, 2);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Min_version_1_3_refuses_a_client_that_speaks_only_tls_1_2()
    {
        var tls = Tls();
        tls.MinVersion = "1.3";
        await using var otlp = await OtlpTestReceiver.StartAsync(options => UseTls(options, tls));
        var traces = new Uri(otlp.HttpsAddress, "/v1/traces");

        using (var old = new HttpClient(_pki.Handler(protocols: SslProtocols.Tls12)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => old.PostAsync(traces, Protobuf()));
        }

        using (var current = new HttpClient(_pki.Handler(protocols: SslProtocols.Tls13)))
        {
            using var answer = await current.PostAsync(traces, Protobuf());
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        Assert.Single(otlp.Traces.Received);
    }

    private TlsServerOptions Tls(bool clientCa = false) => new()
    {
        CertFile = _pki.ServerCertFile,
        KeyFile = _pki.ServerKeyFile,
        ClientCaFile = clientCa ? _pki.CaFile : null,
    };

    private static void UseTls(OtlpReceiverOptions options, TlsServerOptions tls)
    {
        options.Protocols.Grpc!.Tls = tls;
        options.Protocols.Http!.Tls = tls;
    }

    private static ByteArrayContentWithType Protobuf() => new(Google.Protobuf.MessageExtensions.ToByteArray(OtlpSamples.Traces()));

    /// <summary>Opens a new connection (a new handler) and returns the thumbprint of the certificate the server presented.</summary>
    private async Task<string> ServedThumbprintAsync(Uri address)
    {
        string? served = null;
        using var client = new HttpClient(_pki.Handler(served: certificate => served = certificate.Thumbprint));
        using var answer = await client.GetAsync(address);
        return served ?? throw new InvalidOperationException("no certificate was served");
    }

    /// <summary>The SDK's endpoint for <paramref name="protocol"/>: the gRPC base address, or the HTTP traces URL.</summary>
    internal static Uri Endpoint(OtlpTestReceiver otlp, OtlpExportProtocol protocol, bool tls) => protocol == OtlpExportProtocol.Grpc
        ? (tls ? otlp.GrpcsAddress : otlp.GrpcAddress)
        : new Uri(tls ? otlp.HttpsAddress : otlp.HttpAddress, "/v1/traces");

    private static void ExportOneSpan(OtlpTestReceiver otlp, OtlpExportProtocol protocol, Func<HttpClient> httpClient) =>
        ExportOneSpan(Endpoint(otlp, protocol, tls: true), protocol, httpClient);

    /// <summary>One span named "over-tls" through the SDK's OTLP exporter, with the given HTTP client and headers.</summary>
    internal static void ExportOneSpan(Uri endpoint, OtlpExportProtocol protocol, Func<HttpClient>? httpClient, string? headers = null)
    {
        using var source = new ActivitySource("otlp-tls-tests." + Guid.NewGuid().ToString("N"));
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = endpoint;
                o.ExportProcessorType = ExportProcessorType.Simple;
                if (httpClient is not null)
                {
                    o.HttpClientFactory = httpClient;
                }

                if (headers is not null)
                {
                    o.Headers = headers;
                }
            })
            .Build())
        {
            source.StartActivity("over-tls")!.Stop();
            Assert.True(provider.ForceFlush(10_000));
        }
    }
}

/// <summary>A protobuf body as the OTLP/HTTP exporter sends it.</summary>
internal sealed class ByteArrayContentWithType : ByteArrayContent
{
    public ByteArrayContentWithType(byte[] body)
        : base(body)
    {
        Headers.ContentType = new("application/x-protobuf");
    }
}
