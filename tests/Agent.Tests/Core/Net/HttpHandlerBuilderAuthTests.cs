using Agent.Core.Net;
using Agent.Tests.Exporters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Core.Net;

public sealed class HttpHandlerBuilderAuthTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly string _tokenFile = Path.Combine(Path.GetTempPath(), $"agent-token-{Guid.NewGuid():N}");

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Basic_credentials_replace_an_authorization_header()
    {
        await using var server = await RecordingServer.StartAsync();
        var options = new HttpClientOptions { Auth = new ClientAuthOptions { Basic = new BasicAuthOptions { Username = "agent", Password = "s3cret" } } };
        using var client = HttpHandlerBuilder.CreateClient(options);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "from headers");

        await GetAsync(client, server.BaseUri);

        Assert.Equal("Basic " + Convert.ToBase64String("agent:s3cret"u8), Assert.Single(server.Requests).Authorization);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_bearer_token_is_sent()
    {
        await using var server = await RecordingServer.StartAsync();
        using var client = HttpHandlerBuilder.CreateClient(new HttpClientOptions { Auth = new ClientAuthOptions { BearerToken = "tok-123" } });

        await GetAsync(client, server.BaseUri);

        Assert.Equal("Bearer tok-123", Assert.Single(server.Requests).Authorization);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_rewritten_bearer_token_file_is_read_again_once_the_check_interval_passed()
    {
        await File.WriteAllTextAsync(_tokenFile, "first-token\n");
        await using var server = await RecordingServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new HttpClientOptions { Auth = new ClientAuthOptions { BearerTokenFile = _tokenFile } };
        using var client = new HttpClient(HttpHandlerBuilder.Create(options, null, time));
        await GetAsync(client, server.BaseUri);

        await File.WriteAllTextAsync(_tokenFile, "second-token-rotated\n");
        await GetAsync(client, server.BaseUri);
        time.Advance(BearerTokenFile.CheckInterval);
        await GetAsync(client, server.BaseUri);

        Assert.Equal(["Bearer first-token", "Bearer first-token", "Bearer second-token-rotated"], server.Requests.Select(r => r.Authorization));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_token_file_that_cannot_be_read_keeps_the_last_token_and_is_logged_once_until_it_can()
    {
        await File.WriteAllTextAsync(_tokenFile, "first-token\n");
        await using var server = await RecordingServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new RecordingLogger();
        var options = new HttpClientOptions { Auth = new ClientAuthOptions { BearerTokenFile = _tokenFile } };
        using var client = new HttpClient(HttpHandlerBuilder.Create(options, null, time, log));

        File.Delete(_tokenFile);
        for (int check = 0; check < 3; check++)
        {
            time.Advance(BearerTokenFile.CheckInterval);
            await GetAsync(client, server.BaseUri);
        }

        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(_tokenFile, warning.Message, StringComparison.Ordinal);
        Assert.Contains("previous token stays in use", warning.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(_tokenFile, "second-token\n");
        time.Advance(BearerTokenFile.CheckInterval);
        await GetAsync(client, server.BaseUri);

        Assert.Equal([.. Enumerable.Repeat("Bearer first-token", 3), "Bearer second-token"], server.Requests.Select(r => r.Authorization));
        Assert.Equal(LogLevel.Information, log.Entries[^1].Level);
        Assert.Contains("can be read again", log.Entries[^1].Message, StringComparison.Ordinal);
        Assert.Equal(2, log.Entries.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Requests_go_through_the_proxy_url()
    {
        await using var proxy = new RecordingProxy();
        using var client = HttpHandlerBuilder.CreateClient(new HttpClientOptions { ProxyUrl = proxy.Address.ToString() });

        // A name that resolves nowhere: only the proxy can answer for it.
        await GetAsync(client, new Uri("http://backend.invalid:3100/loki/api/v1/push"));

        Assert.Equal("GET http://backend.invalid:3100/loki/api/v1/push HTTP/1.1", Assert.Single(proxy.RequestLines));
    }

    public void Dispose() => File.Delete(_tokenFile);

    private static async Task GetAsync(HttpClient client, Uri uri)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        using var response = await client.GetAsync(uri, deadline.Token);
        response.EnsureSuccessStatusCode();
    }
}
