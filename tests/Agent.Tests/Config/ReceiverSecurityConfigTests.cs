using Agent.Config;
using Agent.Extensions.BearerTokenAuth;
using Agent.Receivers.Otlp;
using Agent.Service;

namespace Agent.Tests.Config;

/// <summary>The <c>otlp</c> receiver's tls, auth, cors and keepalive keys in the Collector's shape, and their errors.</summary>
public sealed class ReceiverSecurityConfigTests : IDisposable
{
    private const string Secret = "hunter2-very-secret";
    private readonly TestPki _pki = new();

    public ReceiverSecurityConfigTests()
    {
        _pki.WriteServerCertificate();
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Every_key_binds_in_the_collectors_shape()
    {
        var config = Load(Config(_pki.ServerCertFile, "bearertokenauth/ingest"));

        var otlp = Assert.IsType<OtlpReceiverOptions>(Assert.Single(config.Receivers).Value.Options);
        var grpc = otlp.Protocols.Grpc!;
        Assert.Equal(_pki.ServerCertFile, grpc.Tls!.CertFile);
        Assert.Equal(_pki.CaFile, grpc.Tls.ClientCaFile);
        Assert.Equal("1.3", grpc.Tls.MinVersion);
        Assert.Equal(TimeSpan.FromMinutes(1), grpc.Tls.ReloadInterval);
        Assert.Equal("bearertokenauth/ingest", grpc.Auth!.Authenticator);
        Assert.Equal(TimeSpan.FromMinutes(5), grpc.Keepalive!.ServerParameters!.MaxConnectionIdle);
        Assert.Equal(TimeSpan.FromSeconds(30), grpc.Keepalive.ServerParameters.Time);
        Assert.Equal(TimeSpan.FromSeconds(10), grpc.Keepalive.ServerParameters.Timeout);
        Assert.True(grpc.Keepalive.EnforcementPolicy!.PermitWithoutStream);
        Assert.Contains(grpc.Keepalive.Unsupported(), key => key.StartsWith("enforcement_policy", StringComparison.Ordinal));
        var http = otlp.Protocols.Http!;
        Assert.True(http.IncludeMetadata);
        Assert.Equal(["https://*.example.com"], http.Cors!.AllowedOrigins);
        Assert.Equal(["X-Tenant"], http.Cors.AllowedHeaders);
        Assert.Equal(600, http.Cors.MaxAge);
        var auth = Assert.IsType<BearerTokenAuthOptions>(Assert.Single(config.Extensions).Value.Options);
        Assert.Equal(Secret, auth.Token);
    }

    [Fact]
    public void A_missing_certificate_file_is_refused_with_file_line_and_key()
    {
        var error = Assert.Throws<ConfigException>(() => Load(Config("/nonexistent/server.pem", "bearertokenauth/ingest")));

        var refused = Assert.Single(error.Errors).ToString();
        Assert.StartsWith("agent.yaml:", refused, StringComparison.Ordinal);
        Assert.Contains("receivers.otlp.protocols.grpc.tls.cert_file: file \"/nonexistent/server.pem\" does not exist", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void An_authenticator_that_is_not_configured_is_refused_before_anything_starts()
    {
        var error = Assert.Throws<ConfigException>(() => Load(Config(_pki.ServerCertFile, "bearertokenauth/other")));

        var refused = Assert.Single(error.Errors).ToString();
        Assert.Contains("receivers.otlp.protocols.grpc.auth.authenticator: names extension \"bearertokenauth/other\", which is not configured under extensions", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_never_show_the_token()
    {
        string yaml = Config(_pki.ServerCertFile, "bearertokenauth/ingest").Replace("    token:", "    filename: /nonexistent/token\n    token:", StringComparison.Ordinal);

        var error = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.NotEmpty(error.Errors);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.All(error.Errors, e => Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal));
    }

    private static AgentConfig Load(string yaml) => new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("agent.yaml", yaml);

    private string Config(string certFile, string authenticator) => $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:0
                tls:
                  cert_file: {certFile}
                  key_file: {_pki.ServerKeyFile}
                  client_ca_file: {_pki.CaFile}
                  min_version: "1.3"
                  reload_interval: 1m
                auth:
                  authenticator: {authenticator}
                keepalive:
                  server_parameters:
                    max_connection_idle: 5m
                    time: 30s
                    timeout: 10s
                  enforcement_policy:
                    min_time: 10s
                    permit_without_stream: true
              http:
                endpoint: 127.0.0.1:0
                include_metadata: true
                cors:
                  allowed_origins: ["https://*.example.com"]
                  allowed_headers: [X-Tenant]
                  max_age: 600
        exporters:
          debug:
        extensions:
          bearertokenauth/ingest:
            token: {Secret}
        service:
          extensions: [bearertokenauth/ingest]
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [debug]
        """;
}
