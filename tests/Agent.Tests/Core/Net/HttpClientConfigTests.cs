using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Net;
using Agent.Exporters.Loki;
using Agent.Exporters.OtlpHttp;
using Agent.Service;

namespace Agent.Tests.Core.Net;

/// <summary>The shared client keys, written in YAML under the exporters that use them.</summary>
public sealed class HttpClientConfigTests : IDisposable
{
    private readonly string _tokenFile = Path.Combine(Path.GetTempPath(), $"agent-config-token-{Guid.NewGuid():N}");

    public HttpClientConfigTests() => File.WriteAllText(_tokenFile, "token");

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Every_exporter_reads_the_same_client_keys()
    {
        await Task.Yield();
        var config = Load($$$"""
            exporters:
              loki:
                endpoint: http://loki:3100
                proxy_url: http://proxy:3128
                auth: {bearer_token_file: {{{_tokenFile}}}}
                tls: {min_version: "1.3", reload_interval: 1m}
              otlphttp:
                endpoint: https://collector:4318
                auth: {basic: {username: agent, password: pw}}
            """);

        var loki = (LokiExporterOptions)config.Exporters[new ComponentId("loki")].Options;
        Assert.Equal("http://proxy:3128", loki.ProxyUrl);
        Assert.Equal(_tokenFile, loki.Auth?.BearerTokenFile);
        Assert.Equal(TlsClientOptions.Tls13, loki.Tls.MinVersion);
        Assert.Equal(TimeSpan.FromMinutes(1), loki.Tls.ReloadInterval);
        var otlphttp = (OtlpHttpExporterOptions)config.Exporters[new ComponentId("otlphttp")].Options;
        Assert.Equal("agent", otlphttp.Auth?.Basic?.Username);
        Assert.Equal(TlsClientOptions.Tls12, otlphttp.Tls.MinVersion);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Conflicting_credentials_and_unknown_versions_are_named_by_key_path()
    {
        await Task.Yield();
        var error = Assert.Throws<ConfigException>(() => Load("""
            exporters:
              loki:
                endpoint: http://loki:3100
                auth: {bearer_token: t, basic: {username: u}}
                tls: {min_version: "1.0"}
              otlphttp:
            """));

        var problems = error.Errors.Select(e => $"{e.KeyPath}: {e.Message}").ToList();
        Assert.Contains("exporters.loki.auth: basic, bearer_token and bearer_token_file exclude each other: set only one", problems);
        Assert.Contains("exporters.loki.tls.min_version: must be \"1.2\" or \"1.3\", not \"1.0\"", problems);
    }

    public void Dispose() => File.Delete(_tokenFile);

    private static AgentConfig Load(string exporters)
    {
        string yaml = exporters + """

            receivers:
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:0"}}
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [loki, otlphttp]
            """;
        return new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("inline.yaml", yaml);
    }
}
