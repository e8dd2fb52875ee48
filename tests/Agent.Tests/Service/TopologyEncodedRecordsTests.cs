using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Service;

/// <summary>
/// Per receiver and signal, the topology tells the receiver's inputs whether every component behind them handles
/// batches whose records stay encoded: processors that only touch resources, the OTLP exporters and the forward
/// connector do, and so does prometheusremotewrite (it reads metrics as bytes); a component that reads records
/// (spanmetrics, loki, debug) anywhere behind makes it false for that signal alone.
/// </summary>
public sealed class TopologyEncodedRecordsTests
{
    private static ReceiverConsumers InputsOf(string yaml)
    {
        var config = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("encoded.yaml", $$"""
            receivers:
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:0"} }
            processors:
              batch:
              memory_limiter: {check_interval: 1s, limit_percentage: 90, spike_limit_percentage: 10}
              k8sattributes: {passthrough: true}
              resource:
                attributes: [{key: a, value: b, action: upsert}]
            exporters:
              otlp: {endpoint: "127.0.0.1:4317", tls: {insecure: true} }
              otlphttp: {endpoint: "http://127.0.0.1:4318"}
              loki: {endpoint: "http://127.0.0.1:3100/loki/api/v1/push"}
              prometheusremotewrite: {endpoint: "http://127.0.0.1:9090/api/v1/write"}
              debug:
            connectors:
              forward:
              spanmetrics:
            service:
              telemetry: {metrics: {level: none} }
              pipelines:
            {{yaml}}
            """);
        var host = new ComponentHost(NullLoggerFactory.Instance, Path.GetTempPath(), new AgentHealth(), SelfMetrics.Registry);
        return Topology.Build(config, host, NullLogger.Instance).InputsOf(new ComponentId("otlp"));
    }

    private static bool Encoded(object? input) => Assert.IsAssignableFrom<IHandlesEncodedRecords>(input).HandlesEncodedRecords;

    [Theory]
    [InlineData(
        """
            traces: {receivers: [otlp], processors: [memory_limiter, k8sattributes, resource, batch], exporters: [otlp, otlphttp]}
            metrics: {receivers: [otlp], processors: [batch], exporters: [otlphttp, prometheusremotewrite]}
            logs: {receivers: [otlp], processors: [resource, batch], exporters: [otlp]}
        """,
        true,
        true)]
    [InlineData(
        """
            traces: {receivers: [otlp], exporters: [otlp]}
            metrics: {receivers: [otlp], exporters: [prometheusremotewrite, debug]}
            logs/a: {receivers: [otlp], exporters: [otlp]}
            logs/b: {receivers: [otlp], exporters: [loki]}
        """,
        false,
        false)]
    public void Resource_processors_and_the_otlp_exporters_keep_records_encoded_and_record_readers_do_not(string pipelines, bool metrics, bool logs)
    {
        var inputs = InputsOf(pipelines);

        Assert.True(Encoded(inputs.Traces));
        Assert.Equal(metrics, Encoded(inputs.Metrics));
        Assert.Equal(logs, Encoded(inputs.Logs));
    }

    [Fact]
    public void A_forward_connector_counts_as_what_lies_behind_it_and_spanmetrics_reads_every_span()
    {
        var forwarded = InputsOf("""
                traces/in: {receivers: [otlp], exporters: [forward]}
                traces/out: {receivers: [forward], processors: [batch], exporters: [otlp]}
            """);
        var toLoki = InputsOf("""
                logs/in: {receivers: [otlp], exporters: [forward]}
                logs/out: {receivers: [forward], exporters: [loki]}
            """);
        var spanMetrics = InputsOf("""
                traces: {receivers: [otlp], exporters: [otlp, spanmetrics]}
                metrics: {receivers: [spanmetrics, otlp], exporters: [otlp]}
            """);

        Assert.True(Encoded(forwarded.Traces));
        Assert.False(Encoded(toLoki.Logs));
        Assert.False(Encoded(spanMetrics.Traces));
        Assert.True(Encoded(spanMetrics.Metrics));
    }
}
