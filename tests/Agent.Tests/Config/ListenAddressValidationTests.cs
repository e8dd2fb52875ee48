using Agent.Config;
using Agent.Service;

namespace Agent.Tests.Config;

/// <summary>Two listeners on one port are refused by validation, naming both places, before anything binds.</summary>
public class ListenAddressValidationTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["OTLP_PORT"] = "4317" };

    private static ConfigException LoadFails(string yaml) =>
        Assert.Throws<ConfigException>(() => Load(yaml));

    private static AgentConfig Load(string yaml) =>
        new ConfigLoader(ComponentRegistry.BuiltIn, Environment.GetValueOrDefault).Load("agent.yaml", yaml);

    private static string Config(string grpc, string http, string other = "localhost:4319", string telemetry = "localhost:8888") => $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: "{grpc}"
              http:
                endpoint: "{http}"
          otlp/2:
            protocols:
              http:
                endpoint: "{other}"
        exporters:
          debug:
        extensions:
          health_check:
            endpoint: localhost:13133
        service:
          extensions: [health_check]
          telemetry:
            metrics:
              address: "{telemetry}"
          pipelines:
            traces:
              receivers: [otlp, otlp/2]
              exporters: [debug]
        """;

    [Fact]
    public void Two_receivers_on_one_port_are_refused_naming_both_places()
    {
        var error = LoadFails(Config("localhost:4317", "localhost:4318", other: "localhost:4318"));

        var clash = Assert.Single(error.Errors);
        Assert.Equal("agent.yaml:11:9: receivers.otlp/2.protocols.http.endpoint: port 4318 is already used by receivers.otlp.protocols.http.endpoint (agent.yaml:7:9); two listeners cannot share a port", clash.ToString());
    }

    [Theory]
    [InlineData("0.0.0.0:${env:OTLP_PORT}", "127.0.0.1:4317", "receivers.otlp.protocols.http.endpoint: port 4317 is already used by receivers.otlp.protocols.grpc.endpoint")]
    [InlineData("localhost:4317", "127.0.0.1:4317", "receivers.otlp.protocols.http.endpoint: port 4317")]
    [InlineData(":4317", "[::1]:4317", "receivers.otlp.protocols.http.endpoint: port 4317")]
    [InlineData("localhost:8888", "localhost:4318", "service.telemetry.metrics.address: port 8888 is already used by receivers.otlp.protocols.grpc.endpoint (agent.yaml:5:9)")]
    [InlineData("localhost:13133", "localhost:4318", "extensions.health_check.endpoint: port 13133 is already used by receivers.otlp.protocols.grpc.endpoint")]
    public void Grpc_http_extensions_and_telemetry_may_not_share_a_port(string grpc, string http, string expected)
    {
        var error = LoadFails(Config(grpc, http));

        Assert.Contains(expected, Assert.Single(error.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:0", "localhost:0", "localhost:0")]
    [InlineData("127.0.0.1:4317", "127.0.0.2:4317", "localhost:4319")]
    [InlineData("localhost:4317", "localhost:4318", "localhost:4319")]
    public void Port_zero_and_different_addresses_do_not_clash(string grpc, string http, string other)
    {
        var config = Load(Config(grpc, http, other));

        Assert.Equal(2, config.Receivers.Count);
    }

    [Fact]
    public void A_receiver_no_pipeline_uses_does_not_listen_and_so_does_not_clash()
    {
        string yaml = Config("localhost:4317", "localhost:4318").Replace("receivers: [otlp, otlp/2]", "receivers: [otlp]", StringComparison.Ordinal)
            .Replace("endpoint: \"localhost:4319\"", "endpoint: \"localhost:4317\"", StringComparison.Ordinal);

        Assert.Single(Load(yaml).Pipelines);
    }

    [Fact]
    public void A_telemetry_server_that_is_off_does_not_clash()
    {
        string yaml = Config("localhost:8888", "localhost:4318").Replace("address: \"localhost:8888\"", "address: \"localhost:8888\"\n      level: none", StringComparison.Ordinal);

        Assert.Single(Load(yaml).Pipelines);
    }
}
