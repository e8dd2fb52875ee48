namespace Agent.Tests.EndToEnd;

/// <summary>The `agent` binary's commands, run as a user would.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-cli-").FullName;

    private string Write(string name, string yaml)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Version_prints_the_version()
    {
        var (code, output) = await AgentProcess.RunAsync("version");

        Assert.Equal(0, code);
        Assert.Matches(@"^agent \d+\.\d+\.\d+\r?\n", output);
        Assert.Matches(@"\nruntime: \.NET 10\.[^,]+, (JIT|Native AOT)\r?\n", output);
        // What the binary is built with (agent/Agent/RuntimeSettings.props): the JIT build reads it from
        // runtimeconfig.json, the Native AOT binary from the settings compiled into it.
        Assert.Contains("gc: workstation, non-concurrent, conserve memory 7, gen0 budget at most 6 MiB, heap hard limit none", output);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Version_shows_a_gc_setting_overridden_by_the_environment()
    {
        // The runtime reads DOTNET_GC* numbers as hexadecimal: 0x400000 is 4 MiB, 0x10000000 is 256 MiB.
        var (code, output) = await AgentProcess.RunAsync(
            new Dictionary<string, string> { ["DOTNET_GCGen0MaxBudget"] = "400000", ["DOTNET_GCHeapHardLimit"] = "10000000" },
            "version");

        Assert.Equal(0, code);
        Assert.Contains("gen0 budget at most 4 MiB, heap hard limit 256 MiB", output);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Components_lists_every_type_with_its_signals()
    {
        var (code, output) = await AgentProcess.RunAsync("components");

        Assert.Equal(0, code);
        Assert.Matches(@"receiver\s+otlp\s+\w+\s+traces, metrics, logs", output);
        Assert.Matches(@"exporter\s+otlp\s+\w+\s+traces, metrics, logs", output);
        Assert.Matches(@"exporter\s+loki\s+\w+\s+logs", output);
        Assert.Matches(@"processor\s+batch\s", output);
        Assert.Matches(@"processor\s+resource\s", output);
        Assert.Matches(@"exporter\s+otlphttp\s", output);
        Assert.Matches(@"exporter\s+debug\s", output);
        Assert.Matches(@"extension\s+health_check\s", output);
        Assert.Matches(@"extension\s+file_storage\s", output);
        Assert.Matches(@"connector\s+forward\s+beta\s+traces to traces \(beta\), metrics to metrics \(beta\), logs to logs \(beta\)", output);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_collector_users_config_validates_unchanged()
    {
        string path = Write("collector.yaml", """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 127.0.0.1:4317
                  http:
                    endpoint: 127.0.0.1:4318
            processors:
              batch:
                timeout: 200ms
              resource:
                attributes:
                  - key: deployment.environment
                    value: production
                    action: upsert
            exporters:
              otlp:
                endpoint: tempo:4317
                tls:
                  insecure: true
              otlphttp:
                endpoint: http://collector:4318
              debug:
                verbosity: detailed
            extensions:
              health_check:
              file_storage:
                directory: /tmp
            service:
              extensions: [health_check, file_storage]
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [resource, batch]
                  exporters: [otlp, debug]
                metrics:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [otlphttp]
                logs:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [debug]
            """);

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", path);

        Assert.True(code == 0, output);
        Assert.Contains("valid (3 pipelines)", output, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 127.0.0.1:4317\n        max_message: 5\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
        ":6:9: receivers.otlp.protocols.grpc.max_message: unknown key \"max_message\"")]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\nprocessors:\n  batch:\n    send_batch_size: lots\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [batch]\n      exporters: [debug]\n",
        ":7:22: processors.batch.send_batch_size: expected a whole number, got \"lots\"")]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  otlp:\n    tls: {insecure: true}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [otlp]\n",
        "exporters.otlp.endpoint:")]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug, otlp/tempo]\n",
        ":11:26: service.pipelines.traces.exporters[1]: exporter \"otlp/tempo\" is not defined in exporters")]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  loki:\n    endpoint: http://loki:3100\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [loki]\n",
        ":12:19: service.pipelines.traces.exporters[0]: exporter \"loki\" does not support traces; it supports: logs")]
    [InlineData("receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug:\nconnectors:\n  forward:\n  forward/2:\nservice:\n  pipelines:\n    traces/a:\n      receivers: [otlp, forward/2]\n      exporters: [forward]\n    traces/b:\n      receivers: [forward]\n      exporters: [debug, forward/2]\n",
        ":12:5: service.pipelines.traces/a: the pipelines form a cycle through connectors: traces/a → forward → traces/b → forward/2 → traces/a")]
    [InlineData("receivers:\n  otlp:\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n",
        "receivers.otlp.protocols: must specify at least one protocol")]
    public async Task Validate_names_file_line_column_and_key_of_each_kind_of_error(string yaml, string expected)
    {
        string path = Write("broken.yaml", yaml);

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains(path, output, StringComparison.Ordinal);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Run_with_a_broken_config_exits_1_with_the_error()
    {
        string path = Write("bad.yaml", "receivers: [\n");

        var (code, output) = await AgentProcess.RunAsync("run", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_system_error_is_shown_in_words_not_as_a_resource_key()
    {
        string missing = Path.Combine(_directory, "no-such-dir", "agent.yaml");

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", missing);

        Assert.Equal(1, code);
        Assert.Contains("Could not find a part of the path", output, StringComparison.Ordinal);
        Assert.DoesNotContain("IO_PathNotFound", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_storage_directory_under_a_regular_file_is_refused_by_validate()
    {
        string file = Write("not-a-folder", "x");
        string path = Write("storage.yaml", $"""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
              debug:
            extensions:
              file_storage:
                directory: {file}/state
                create_directory: true
            service:
              extensions: [file_storage]
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
            """);

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:10:5: extensions.file_storage.directory: \"{file}/state\" lies under \"{file}\", which is a file, not a directory", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Run_refuses_a_data_directory_under_a_regular_file_before_starting()
    {
        string file = Write("not-a-folder", "x");
        string path = Write("run.yaml", """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
              debug:
            service:
              telemetry:
                metrics:
                  level: none
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
            """);

        var (code, output) = await AgentProcess.RunAsync("run", "--config", path, "--data-dir", Path.Combine(file, "data"));

        Assert.Equal(1, code);
        Assert.Contains($"--data-dir: \"{Path.Combine(file, "data")}\" lies under \"{file}\", which is a file, not a directory", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Validate_refuses_two_receivers_on_one_port()
    {
        string path = Write("ports.yaml", """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:4317
                  http:
                    endpoint: 127.0.0.1:4317
            exporters:
              debug:
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [debug]
            """);

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{path}:7:9: receivers.otlp.protocols.http.endpoint: port 4317 is already used by receivers.otlp.protocols.grpc.endpoint ({path}:5:9)", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
