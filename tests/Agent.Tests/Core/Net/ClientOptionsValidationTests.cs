using Agent.Core.Net;

namespace Agent.Tests.Core.Net;

public sealed class ClientOptionsValidationTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Auth_takes_exactly_one_kind_of_credentials()
    {
        await Task.Yield();

        Assert.Contains("exclude each other", Assert.Single(new ClientAuthOptions { Basic = new BasicAuthOptions { Username = "u" }, BearerToken = "t" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("exclude each other", Assert.Single(new ClientAuthOptions { BearerToken = "t", BearerTokenFile = "/dev/null" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("set one of", Assert.Single(new ClientAuthOptions().Validate()).Message, StringComparison.Ordinal);
        Assert.Equal("bearer_token_file", Assert.Single(new ClientAuthOptions { BearerTokenFile = "/nonexistent/token" }.Validate()).Key);
        Assert.Empty(new ClientAuthOptions { BearerToken = "t" }.Validate());
        Assert.Equal("username", Assert.Single(new BasicAuthOptions { Username = "a:b" }.Validate()).Key);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Tls_checks_versions_intervals_and_files_by_key()
    {
        await Task.Yield();
        var tls = new TlsClientOptions { MinVersion = "1.1", ReloadInterval = TimeSpan.FromSeconds(-1), CaFile = "/nonexistent/ca.pem", CertFile = "/nonexistent/c.pem" };

        Assert.Equal(["ca_file", "cert_file", "cert_file", "min_version", "reload_interval"], tls.Validate().Select(p => p.Key));
        Assert.Empty(new TlsClientOptions { MinVersion = "1.3" }.Validate());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Client_settings_check_timeout_headers_and_proxy_by_key()
    {
        await Task.Yield();
        var options = new HttpClientOptions { Timeout = TimeSpan.FromSeconds(-1), ProxyUrl = "socks5://proxy:1080" };
        options.Headers["bad header"] = "x";

        Assert.Equal(["timeout", "headers", "proxy_url"], options.Validate().Select(p => p.Key));
        Assert.Empty(new HttpClientOptions { Timeout = TimeSpan.Zero, ProxyUrl = "http://user:pw@proxy:3128" }.Validate());
    }
}
