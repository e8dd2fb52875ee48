using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Tests.Config;

public class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["TEST_TOKEN"] = "s3cret",
    };

    private static ConfigLoader Loader() => new(TestComponents.Registry, name => Environment.GetValueOrDefault(name));

    private static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Config", "testdata", name);

    private static ConfigException LoadFails(string yaml) =>
        Assert.Throws<ConfigException>(() => Loader().Load("inline.yaml", yaml));

    [Fact]
    public void Binds_every_kind_of_value_onto_the_defaults()
    {
        var config = Loader().LoadFile(TestData("full.yaml"));

        var options = (RichOptions)config.Receivers[new ComponentId("everything")].Options;
        Assert.Equal("fallback:4317", options.Endpoint);
        Assert.False(options.Enabled);
        Assert.Equal(7, options.Count);
        Assert.Equal(1L << 40, options.Bytes);
        Assert.Equal(0.25, options.Ratio);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Timeout);
        Assert.Equal(Mode.VerySafe, options.Mode);
        Assert.Equal(["/var/log/pods/*/*/*.log", "/tmp/x.log"], options.Include);
        Assert.Equal("Bearer s3cret", options.Headers["authorization"]);
        Assert.Equal("$5", options.Headers["x-price"]);
        Assert.Equal(42L, options.Value);
        Assert.Equal("/etc/ca.pem", options.CaFile);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.RetryOnFailure.InitialInterval);

        // Keys not written keep the factory's defaults.
        Assert.Equal(TimeSpan.FromSeconds(30), options.RetryOnFailure.MaxInterval);
    }

    [Fact]
    public void A_block_written_without_value_is_on_with_defaults_and_absent_blocks_are_seen_as_absent()
    {
        var config = Loader().LoadFile(TestData("full.yaml"));

        var protocols = ((RichOptions)config.Receivers[new ComponentId("everything")].Options).Protocols;
        Assert.NotNull(protocols.Grpc);
        Assert.Equal("localhost:1", protocols.Grpc.Endpoint);
        Assert.Null(protocols.Http);
        Assert.Equal(["grpc"], protocols.SeenKeys!);
    }

    [Fact]
    public void Reads_pipelines_with_names_and_the_service_telemetry()
    {
        var config = Loader().LoadFile(TestData("full.yaml"));

        Assert.Equal(2, config.Pipelines.Count);
        var traces = config.Pipelines[0];
        Assert.Equal(new PipelineId(Signal.Traces, string.Empty), traces.Id);
        Assert.Equal([new ComponentId("everything"), new ComponentId("tracesonly", "second")], traces.Receivers);
        Assert.Equal([new ComponentId("pass")], traces.Processors);
        var logs = config.Pipelines[1];
        Assert.Equal("logs/pods", logs.Id.ToString());
        Assert.Equal([new ComponentId("logsink", "loki"), new ComponentId("sink")], logs.Exporters);
        Assert.Equal([new ComponentId("nothing")], config.ServiceExtensions);
        Assert.Equal("debug", config.Telemetry.Logs.Level);
        Assert.Equal("console", config.Telemetry.Logs.Encoding);
        Assert.Equal("127.0.0.1:0", config.Telemetry.Metrics.Address);
    }

    [Fact]
    public void Reports_every_error_with_file_line_column_and_key_path()
    {
        var error = Assert.Throws<ConfigException>(() => Loader().LoadFile(TestData("errors.yaml")));
        string file = TestData("errors.yaml");
        var lines = error.Errors.Select(e => e.ToString()).ToList();

        Assert.Contains($"{file}:3:12: receivers.everything.count: expected a whole number, got \"many\"", lines);
        Assert.Contains($"{file}:4:11: receivers.everything.mode: expected one of fast, very_safe, got \"reckless\"", lines);
        Assert.Contains($"{file}:5:14: receivers.everything.timeout: expected a duration such as 200ms, 5s or 1m, got \"10\"", lines);
        Assert.Contains(lines, l => l.StartsWith($"{file}:6:5: receivers.everything.unknown_thing: unknown key \"unknown_thing\"; valid keys are: bytes, ca_file, count,", StringComparison.Ordinal));
        Assert.Contains($"{file}:7:5: receivers.everything.endpoint: must be set", lines);
        Assert.Contains(lines, l => l.StartsWith($"{file}:8:3: receivers.9bad: invalid component type \"9bad\"", StringComparison.Ordinal));
        Assert.Contains($"{file}:9:3: receivers.nosuchtype: unknown receiver type \"nosuchtype\"; known types are: everything, tracesonly", lines);
        Assert.Contains($"{file}:18:19: service.pipelines.traces.exporters[0]: exporter \"logsink\" does not support traces; it supports: logs", lines);
        Assert.Contains($"{file}:18:28: service.pipelines.traces.exporters[1]: exporter \"ghost\" is not defined in exporters", lines);
        Assert.Contains($"{file}:19:5: service.pipelines.spans: invalid pipeline id \"spans\": it must be traces, metrics or logs, optionally followed by /name", lines);
        Assert.Equal(10, lines.Count);
    }

    [Fact]
    public void Names_the_position_of_a_yaml_syntax_error()
    {
        var error = LoadFails("receivers:\n  everything: {endpoint: [unclosed\nservice: {}\n");

        var only = Assert.Single(error.Errors);
        Assert.Equal("(yaml)", only.KeyPath);
        Assert.True(only.Line >= 2, only.ToString());
    }

    [Theory]
    [InlineData("", "(root): the configuration is empty")]
    [InlineData("- a\n- b\n", "inline.yaml:1:1: (root): the configuration must be a mapping")]
    [InlineData("receivers: {}\n", "service: missing")]
    [InlineData("service:\n  pipelines: {}\n", "service.pipelines: missing: at least one pipeline is needed")]
    [InlineData("receivers:\n  everything:\nexporters:\n  sink:\nservice:\n  pipelines:\n    metrics:\n      exporters: [sink]\n", "inline.yaml:8:7: service.pipelines.metrics.receivers: a pipeline needs at least one receiver")]
    [InlineData("receivers:\n  everything:\nexporters:\n  sink:\nservice:\n  pipelines:\n    metrics:\n      receivers: [everything, everything]\n      exporters: [sink]\n", "service.pipelines.metrics.receivers[1]: \"everything\" is listed twice")]
    [InlineData("receivers:\n  everything:\n    endpoint: ${env:A\nexporters:\n  sink:\nservice:\n  pipelines:\n    logs:\n      receivers: [everything]\n      exporters: [sink]\n", "receivers.everything.endpoint: unclosed")]
    [InlineData("receivers:\n  everything:\n    endpoint: ${env:NOPE}\nexporters:\n  sink:\nservice:\n  pipelines:\n    logs:\n      receivers: [everything]\n      exporters: [sink]\n", "receivers.everything.endpoint: must be set (environment variable NOPE is not set; used at line 3, key receivers.everything.endpoint)")]
    [InlineData("receivers:\n  everything:\n    endpoint: ${file:/etc/passwd}\nexporters:\n  sink:\nservice:\n  pipelines:\n    logs:\n      receivers: [everything]\n      exporters: [sink]\n", "unsupported reference")]
    [InlineData("receivers:\n  everything:\n    include: {a: b}\nexporters:\n  sink:\nservice:\n  pipelines:\n    logs:\n      receivers: [everything]\n      exporters: [sink]\n", "receivers.everything.include: expected a list, got a mapping")]
    [InlineData("connectors:\n  x: {}\nservice: {pipelines: {}}\n", "inline.yaml:2:3: connectors.x: unknown connector type \"x\"; known types are: ")]
    [InlineData("receivers:\n  everything:\n  everything:\nservice: {}\n", "Duplicate key")]
    public void Refuses_broken_configurations_with_a_clear_message(string yaml, string expected)
    {
        var error = LoadFails(yaml);

        Assert.Contains(error.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<ConfigException>(() => Loader().LoadFile("/nonexistent/agent.yaml"));

        Assert.StartsWith("/nonexistent/agent.yaml: (file): cannot read the configuration", Assert.Single(error.Errors).ToString(), StringComparison.Ordinal);
    }
}
