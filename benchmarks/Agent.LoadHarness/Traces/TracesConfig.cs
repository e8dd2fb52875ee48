namespace Agent.LoadHarness.Traces;

/// <summary>The agent's configuration for the traces scenario, in the Collector's shape: otlp → batch → otlp.</summary>
internal static class TracesConfig
{
    /// <param name="batch">false leaves the batch processor out, to see what it costs.</param>
    public static string Yaml(int receiverPort, int sinkPort, int telemetryPort, string compression, bool batch) => $"""
        # Written by Agent.LoadHarness: OTLP gRPC in, batch, OTLP gRPC out to the harness's sink.
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:{receiverPort}

        processors:
          batch: {"{}"}

        exporters:
          otlp:
            endpoint: 127.0.0.1:{sinkPort}
            compression: {compression}
            tls:
              insecure: true

        service:
          telemetry:
            logs:
              level: warn
            metrics:
              address: 127.0.0.1:{telemetryPort}
          pipelines:
            traces:
              receivers: [otlp]
              processors: [{(batch ? "batch" : string.Empty)}]
              exporters: [otlp]

        """;
}
