namespace Agent.LoadHarness.Logs;

/// <summary>The agent's configuration for the pod-logs scenarios: filelog (CRI container parser) → batch → loki.</summary>
internal static class LogsConfig
{
    /// <param name="startAt">beginning to ship the files written before the start, end to leave them (the idle tailer).</param>
    public static string Yaml(string podsDirectory, int lokiPort, int telemetryPort, string startAt = "beginning") => $"""
        # Written by Agent.LoadHarness: pod log files (start_at {startAt}), batch, Loki push (protobuf + snappy) to the harness's sink.
        receivers:
          filelog:
            include: ["{podsDirectory}/*/*/*.log"]
            start_at: {startAt}
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
