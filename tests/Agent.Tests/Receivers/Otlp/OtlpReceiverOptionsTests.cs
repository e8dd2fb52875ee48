using System.Net;
using Agent.Http;
using Agent.Receivers.Otlp;

namespace Agent.Tests.Receivers.Otlp;

public class OtlpReceiverOptionsTests
{
    [Fact]
    public void Defaults_match_the_collector_except_for_the_size_limits()
    {
        var options = (OtlpReceiverOptions)new OtlpReceiverFactory().CreateDefaultOptions();

        Assert.Equal("localhost:4317", options.Protocols.Grpc!.Endpoint);
        Assert.Equal(64, options.Protocols.Grpc.MaxRecvMsgSizeMib);
        Assert.Equal("localhost:4318", options.Protocols.Http!.Endpoint);
        Assert.Equal("/v1/traces", options.Protocols.Http.TracesUrlPath);
        Assert.Equal("/v1/metrics", options.Protocols.Http.MetricsUrlPath);
        Assert.Equal("/v1/logs", options.Protocols.Http.LogsUrlPath);
        Assert.Equal(64L * 1024 * 1024, options.Protocols.Http.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(2), options.BackpressureTimeout);
        Assert.False(options.Protocols.Grpc.IncludeMetadata);
        Assert.False(options.Protocols.Http.IncludeMetadata);
        Assert.Empty(Problems(options));
    }

    [Fact]
    public void Include_metadata_is_set_per_protocol()
    {
        var (options, errors) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>("{protocols: {grpc: {include_metadata: true}, http: {}}}");

        Assert.Empty(errors);
        Assert.True(options.Protocols.Grpc!.IncludeMetadata);
        Assert.False(options.Protocols.Http!.IncludeMetadata);
    }

    [Fact]
    public void Acknowledgements_are_unset_unless_written_true_or_false()
    {
        var (plain, _) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>("{protocols: {grpc: {}}}");
        var (acknowledged, errors) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>("{protocols: {grpc: {}}, acknowledgements: true}");
        var (atAcceptance, moreErrors) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>("{protocols: {grpc: {}}, acknowledgements: false}");

        // Unset is the automatic default (on disk when every exporter behind has a persistent queue), not false.
        Assert.Empty(errors.Concat(moreErrors));
        Assert.Null(plain.Acknowledgements);
        Assert.True(acknowledged.Acknowledgements);
        Assert.False(atAcceptance.Acknowledgements);
    }

    [Fact]
    public void Only_the_protocols_written_in_the_configuration_are_enabled()
    {
        var options = new OtlpReceiverOptions();
        options.OnKeysPresent(new HashSet<string> { "protocols" });
        options.Protocols.OnKeysPresent(new HashSet<string> { "http" });

        Assert.Null(options.Protocols.Grpc);
        Assert.NotNull(options.Protocols.Http);
        Assert.Empty(Problems(options));
    }

    [Fact]
    public void A_protocol_key_without_a_value_enables_it_with_defaults()
    {
        // `grpc:` with nothing after it may bind to null; the key alone still means "serve gRPC".
        var protocols = new OtlpProtocolsOptions { Grpc = null, Http = null };
        protocols.OnKeysPresent(new HashSet<string> { "grpc" });

        Assert.Equal("localhost:4317", protocols.Grpc!.Endpoint);
        Assert.Null(protocols.Http);
    }

    [Fact]
    public void No_protocol_at_all_is_an_error()
    {
        var bare = new OtlpReceiverOptions();
        bare.OnKeysPresent(new HashSet<string>());
        var empty = new OtlpReceiverOptions();
        empty.OnKeysPresent(new HashSet<string> { "protocols" });
        empty.Protocols.OnKeysPresent(new HashSet<string>());

        foreach (var options in new[] { bare, empty })
        {
            var (key, message) = Assert.Single(Problems(options));
            Assert.Equal("protocols", key);
            Assert.Contains("must specify at least one protocol", message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("4317")]
    [InlineData("localhost")]
    [InlineData("localhost:http")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:-1")]
    [InlineData("::1:4317")]
    [InlineData("[::1:4317")]
    [InlineData("[not-an-ip]:4317")]
    public void Malformed_endpoints_are_reported(string endpoint)
    {
        var options = new OtlpReceiverOptions();
        options.Protocols.Grpc!.Endpoint = endpoint;
        options.Protocols.Http!.Endpoint = endpoint;

        Assert.Equal(["protocols.grpc.endpoint", "protocols.http.endpoint"], Problems(options).Select(p => p.Key));
    }

    [Fact]
    public void Limits_paths_and_timeout_are_checked()
    {
        var options = new OtlpReceiverOptions { BackpressureTimeout = TimeSpan.Zero };
        options.Protocols.Grpc!.MaxRecvMsgSizeMib = 0;
        options.Protocols.Http!.MaxRequestBodySize = 0;
        options.Protocols.Http.LogsUrlPath = "v1/traces";
        options.Protocols.Http.MetricsUrlPath = "/v1 metrics";

        var keys = Problems(options).Select(p => p.Key).ToList();

        Assert.Equal(
            ["backpressure_timeout", "protocols.grpc.max_recv_msg_size_mib", "protocols.http.metrics_url_path", "protocols.http", "protocols.http.max_request_body_size"],
            keys);
    }

    [Theory]
    [InlineData("collector.example:4317", "collector.example", 4317)]
    [InlineData("0.0.0.0:4317", "0.0.0.0", 4317)]
    [InlineData("[::]:4317", "::", 4317)]
    [InlineData("[::1]:0", "::1", 0)]
    [InlineData("localhost:4318", "localhost", 4318)]
    [InlineData(":4317", "", 4317)]
    [InlineData(" 10.1.2.3:55681 ", "10.1.2.3", 55681)]
    public void Endpoints_are_parsed_as_the_collector_writes_them(string text, string host, int port)
    {
        Assert.True(ListenEndpoint.TryParse(text, out var endpoint, out _));
        Assert.Equal(new ListenEndpoint(host, port), endpoint);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(":4317", null)]
    [InlineData("localhost:4317", "127.0.0.1")]
    [InlineData("0.0.0.0:4317", "0.0.0.0")]
    [InlineData("[::1]:4317", "::1")]
    public async Task Endpoints_resolve_to_the_address_to_bind(string text, string? address)
    {
        var resolved = await ListenEndpoint.Parse(text).ResolveAsync(CancellationToken.None);

        Assert.Equal(address is null ? null : IPAddress.Parse(address), resolved);
    }

    /// <summary>Walks the options tree as the config validator does, prefixing nested keys.</summary>
    private static List<(string Key, string Message)> Problems(OtlpReceiverOptions options)
    {
        var problems = options.Validate().ToList();
        problems.AddRange(options.Protocols.Validate().Select(p => (Join("protocols", p.Key), p.Message)));
        if (options.Protocols.Grpc is { } grpc)
        {
            problems.AddRange(grpc.Validate().Select(p => (Join("protocols.grpc", p.Key), p.Message)));
        }

        if (options.Protocols.Http is { } http)
        {
            problems.AddRange(http.Validate().Select(p => (Join("protocols.http", p.Key), p.Message)));
        }

        return problems;
    }

    private static string Join(string path, string key) => key.Length == 0 ? path : $"{path}.{key}";
}
