using System.Text;
using Agent.Config;
using Agent.Service;
using CsCheck;

namespace Agent.Tests.Fuzz;

/// <summary>Damaged configurations give a configuration or errors that each name a line and a key; nothing else escapes.</summary>
public class ConfigFuzzTests
{
    private const string Valid = """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: ${env:GRPC:-127.0.0.1:0}
              http:
                endpoint: 127.0.0.1:0
                max_request_body_size: 8MiB
          filelog:
            include: [/var/log/pods/*/*/*.log]
            max_log_size: 64KiB
          hostmetrics:
            collection_interval: 30s
            scrapers: {cpu: {}, memory: {}, load: {}}
          prometheus:
            config:
              scrape_configs:
                - job_name: self
                  scrape_interval: 15s
                  static_configs:
                    - targets: ["127.0.0.1:8888"]
                  metric_relabel_configs:
                    - source_labels: [__name__]
                      regex: "go_.*"
                      action: drop
        processors:
          batch:
            timeout: 200ms
            send_batch_size: 8192
          memory_limiter:
            check_interval: 1s
            limit_mib: 400
            spike_limit_mib: 100
          resource:
            attributes:
              - key: cluster
                value: "dev \"one\""
                action: upsert
        exporters:
          otlp:
            endpoint: http://127.0.0.1:4317
            headers: {authorization: "Bearer ${env:TOKEN}"}
            sending_queue: {enabled: true, queue_size: 100}
            retry_on_failure: {initial_interval: 1s, max_elapsed_time: 60s}
          loki:
            endpoint: http://127.0.0.1:3100/loki/api/v1/push
          prometheusremotewrite:
            endpoint: http://127.0.0.1:9090/api/v1/write
          debug: {}
        connectors:
          spanmetrics: {}
        service:
          telemetry:
            logs: {level: info}
            metrics: {address: 127.0.0.1:0}
          pipelines:
            traces:
              receivers: [otlp]
              processors: [memory_limiter, batch]
              exporters: [otlp, spanmetrics]
            metrics:
              receivers: [otlp, hostmetrics, prometheus, spanmetrics]
              processors: [resource, batch]
              exporters: [prometheusremotewrite]
            logs:
              receivers: [otlp, filelog]
              processors: [batch]
              exporters: [loki, debug]
        """;

    private static readonly Gen<string> Damaged = Gen.Frequency(
        (3, Fuzzing.Mutated(Encoding.UTF8.GetBytes(Valid)).Select(Encoding.UTF8.GetString)),
        (2, Gen.Select(Gen.Int[0, 2], Gen.Int[0, 200], Gen.OneOf("", "  ", "\t", "- ", "? ", "[", "{", "}", "]", ": ", "&a ", "*a", "!!binary ", "\"", "'", "|", "~", "null", "- [x]", "{a: b}: c", "[1, 2]: x", "? [k]\n: v", "${env:NOPE}", "${env:", "-1", "1e999", "0x10", "99999999999999999999"))
            .Array[1, 4]
            .Select(edits =>
            {
                var lines = Valid.Split('\n').ToList();
                foreach (var (kind, where, text) in edits)
                {
                    int at = where % lines.Count;
                    switch (kind)
                    {
                        case 0:
                            lines[at] = lines[at] + text;
                            break;
                        case 1:
                            int colon = lines[at].IndexOf(':', StringComparison.Ordinal);
                            lines[at] = colon < 0 ? text + lines[at] : lines[at][..(colon + 1)] + " " + text;
                            break;
                        default:
                            lines.Insert(at, new string(' ', lines[at].Length - lines[at].TrimStart().Length) + text);
                            break;
                    }
                }

                return string.Join('\n', lines);
            })));

    [Fact(Timeout = TestTimeouts.Default)]
    public Task A_damaged_configuration_loads_or_names_the_line_and_key_of_each_error() =>
        Fuzzing.RunAsync(Damaged, yaml =>
        {
            try
            {
                new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("agent.yaml", yaml);
            }
            catch (ConfigException ex)
            {
                Assert.NotEmpty(ex.Errors);
                foreach (var error in ex.Errors)
                {
                    Assert.False(string.IsNullOrWhiteSpace(error.KeyPath), error.ToString());
                    Assert.True(error.Line >= 1 || error.KeyPath == "(root)", error.ToString());
                }
            }
        }, Fuzzing.Costly);
}
