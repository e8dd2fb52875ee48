using System.Net;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Exporters.Otlp.Grpc;
using Agent.Extensions.BearerTokenAuth;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Exporter;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// <c>auth: {authenticator: bearertokenauth}</c> on both protocols: the real SDK with the right token gets in; a
/// wrong or missing token is answered 401 / UNAUTHENTICATED, nothing reaches the pipeline, and each is counted.
/// </summary>
public sealed class OtlpAuthTests
{
    private const string Token = "s3cret-t0ken";
    private static readonly ComponentId Authenticator = new("bearertokenauth", "ingest");

    public static TheoryData<OtlpExportProtocol> Protocols => [OtlpExportProtocol.Grpc, OtlpExportProtocol.HttpProtobuf];

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Protocols))]
    public async Task The_sdk_with_the_right_token_gets_in(OtlpExportProtocol protocol)
    {
        await using var otlp = await StartAsync();

        OtlpTlsTests.ExportOneSpan(OtlpTlsTests.Endpoint(otlp, protocol, tls: false), protocol, httpClient: null, headers: $"Authorization=Bearer {Token}");

        Assert.Single(otlp.Traces.Received);
        Assert.Equal(0, SelfMetrics.RequestRejectedValue(otlp.Name, "unauthenticated"));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer s3cret-t0ke")]
    [InlineData("Basic s3cret-t0ken")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_token_is_answered_401_over_http(string? authorization)
    {
        await using var otlp = await StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, "/v1/traces")) { Content = new ByteArrayContentWithType(OtlpSamples.Traces().ToByteArray()) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        var status = StatusBody.ParseProtobuf(await answer.Content.ReadAsByteArrayAsync());
        Assert.Equal((int)StatusCode.Unauthenticated, status.Code);
        Assert.DoesNotContain(Token, status.Message, StringComparison.Ordinal);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "unauthenticated"));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("Bearer wrong-token")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_token_is_answered_unauthenticated_over_grpc(string? authorization)
    {
        await using var otlp = await StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var metadata = new Metadata();
        if (authorization is not null)
        {
            metadata.Add("authorization", authorization);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces(), metadata).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "unauthenticated"));

        // The same channel with the right token is served: the refusal ended only that call.
        await new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces(), new Metadata { { "authorization", $"Bearer {Token}" } });
        Assert.Single(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_receiver_naming_an_authenticator_that_is_not_running_does_not_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OtlpTestReceiver.StartAsync(options =>
            options.Protocols.Http!.Auth = new ServerAuthOptions { Authenticator = "bearertokenauth/absent" }));

        Assert.Contains("bearertokenauth/absent", error.Message, StringComparison.Ordinal);
    }

    private static async Task<OtlpTestReceiver> StartAsync()
    {
        var host = new TestHost();
        var extension = new BearerTokenAuthFactory().CreateExtension(host.Context(Authenticator, new BearerTokenAuthOptions { Token = Token }));
        await extension.StartAsync(CancellationToken.None);
        host.AddExtension(Authenticator, extension);
        var auth = new ServerAuthOptions { Authenticator = Authenticator.ToString() };
        return await OtlpTestReceiver.StartAsync(
            options =>
            {
                options.Protocols.Grpc!.Auth = auth;
                options.Protocols.Http!.Auth = auth;
            },
            host: host);
    }
}
