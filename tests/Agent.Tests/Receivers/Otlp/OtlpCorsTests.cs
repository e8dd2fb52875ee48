using System.Net;
using Agent.Http;
using Google.Protobuf;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>The HTTP protocol's <c>cors</c> block: a browser's preflight is answered, and allowed origins may read the answers.</summary>
public sealed class OtlpCorsTests
{
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("https://app.example.com")]
    [InlineData("https://deep.sub.example.com")]
    [InlineData("http://localhost:3000")]
    public async Task A_preflight_from_an_allowed_origin_is_answered_with_the_cors_headers(string origin)
    {
        await using var otlp = await StartAsync();
        using var client = new HttpClient();

        using var answer = await client.SendAsync(Preflight(otlp, origin, "content-type,x-tenant"));

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(origin, Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods"));
        var allowedHeaders = string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("content-type", allowedHeaders, StringComparison.Ordinal);
        Assert.Contains("x-tenant", allowedHeaders, StringComparison.Ordinal);
        Assert.Equal("7200", Assert.Single(answer.Headers.GetValues("Access-Control-Max-Age")));
        Assert.Empty(otlp.Traces.Received);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("https://example.com.evil.test")]
    [InlineData("https://evil.test")]
    public async Task A_preflight_from_another_origin_gets_no_permission(string origin)
    {
        await using var otlp = await StartAsync();
        using var client = new HttpClient();

        using var answer = await client.SendAsync(Preflight(otlp, origin, "content-type"));

        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_post_from_an_allowed_origin_is_delivered_and_its_answer_may_be_read_by_the_page()
    {
        await using var otlp = await StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, "/v1/traces"))
        {
            Content = new ByteArrayContentWithType(OtlpSamples.Traces().ToByteArray()),
        };
        request.Headers.Add("Origin", "https://app.example.com");

        using var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://app.example.com", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Single(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_allowed_origins_a_preflight_is_not_answered_as_cors()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => options.Protocols.Http!.Cors = new CorsOptions { MaxAge = 10 });
        using var client = new HttpClient();

        using var answer = await client.SendAsync(Preflight(otlp, "https://app.example.com", "content-type"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static Task<OtlpTestReceiver> StartAsync() => OtlpTestReceiver.StartAsync(options => options.Protocols.Http!.Cors = new CorsOptions
    {
        AllowedOrigins = ["https://*.example.com", "http://localhost:3000"],
        AllowedHeaders = ["X-Tenant"],
        MaxAge = 7200,
    });

    private static HttpRequestMessage Preflight(OtlpTestReceiver otlp, string origin, string requestHeaders)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, new Uri(otlp.HttpAddress, "/v1/traces"));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        return request;
    }
}
