namespace Agent.LoadHarness.Logs;

/// <summary>The agent's configuration for the pod-logs scenario: filelog (CRI container parser) → batch → loki.</summary>
internal static class LogsConfig
{
    public static string Yaml(string podsDirectory, int lokiPort, int telemetryPort) => $"""
        # Written by Agent.LoadHarness: pod log files from the start, batch, Loki push (protobuf + snappy) to the harness's sink.
        receivers:
          filelog:
            include: ["{podsDirectory}/*/*/*.log"]
            start_at: beginning
            operators:
              - type: container

        processors:
          batch: {"{}"}

        exporters:
          loki:
            endpoint: http://127.0.0.1:{lokiPort}/loki/api/v1/push

        service:
          telemetry:
            logs:
              level: warn
            metrics:
              address: 127.0.0.1:{telemetryPort}
          pipelines:
            logs:
              receivers: [filelog]
              processors: [batch]
              exporters: [loki]

        """;
}
