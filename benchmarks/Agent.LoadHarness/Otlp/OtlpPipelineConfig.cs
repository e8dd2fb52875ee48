namespace Agent.LoadHarness.Otlp;

/// <summary>
/// The configuration of an OTLP load run, in the Collector's shape so that a peer Collector takes it unchanged:
/// an OTLP gRPC receiver, optionally the batch processor, and one exporter.
/// </summary>
internal static class OtlpPipelineConfig
{
    /// <param name="signal">The pipeline: traces or metrics.</param>
    /// <param name="exporter">The exporter's block: its type name on the first line, its keys indented below.</param>
    public static string Yaml(string signal, int receiverPort, int telemetryPort, bool batch, string exporter) => $"""
        # Written by Agent.LoadHarness: OTLP gRPC in, {(batch ? "batch, " : string.Empty)}one exporter to the harness's sink.
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:{receiverPort}

        processors:
          batch: {"{}"}

        exporters:
        {exporter}
        {Service(signal, "otlp", batch ? "batch" : string.Empty, exporter.Split(':')[0].Trim(), telemetryPort)}
        """;

    /// <summary>The <c>service</c> block: warn-level logs, self-metrics on the port the harness waits on, one pipeline.</summary>
    public static string Service(string signal, string receiver, string processors, string exporter, int telemetryPort) => $"""
        service:
          telemetry:
            logs:
              level: warn
            metrics:
              address: 127.0.0.1:{telemetryPort}
          pipelines:
            {signal}:
              receivers: [{receiver}]
              processors: [{processors}]
              exporters: [{exporter}]

        """;

    public static string OtlpExporter(int sinkPort, string compression) => $"""
          otlp:
            endpoint: 127.0.0.1:{sinkPort}
            compression: {compression}
            tls:
              insecure: true

        """;
}
