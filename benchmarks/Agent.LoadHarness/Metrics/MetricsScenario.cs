using Agent.LoadHarness.Otlp;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Metrics;

/// <summary>
/// OTLP gRPC metric points → agent (otlp → batch → prometheusremotewrite, or otlp) → a remote-write sink counting
/// samples, or an OTLP metrics sink counting points. The otlp export is the one a peer Collector built without the
/// remote-write exporter can run on the same load.
/// </summary>
internal static class MetricsScenario
{
    public const string RemoteWrite = "prometheusremotewrite";
    public const string Otlp = "otlp";

    private const int DistinctRequests = 200;

    public static Task<ResultTable> RunAsync(OtlpLoadSettings settings, string export)
    {
        bool remoteWrite = export == RemoteWrite;
        var plan = new OtlpLoadPlan(
            OtlpSignal.Metrics,
            "metrics",
            $"{settings.ItemsPerRequest} points/request, ≤ {settings.Concurrency} in flight, export {export}",
            MetricRequests.Encode(DistinctRequests, settings.ItemsPerRequest, seed: 1),
            remoteWrite
                ? async () => await SnappyPushSink.StartAsync("/api/v1/write", RemoteWriteSampleCounter.Count).ConfigureAwait(false)
                : async () => await OtlpSink.StartAsync(OtlpSignal.Metrics).ConfigureAwait(false),
            (receiver, sink, telemetry) => OtlpPipelineConfig.Yaml(
                "metrics", receiver, telemetry, batch: true, remoteWrite ? RemoteWriteExporter(sink) : OtlpPipelineConfig.OtlpExporter(sink, "none")),
            remoteWrite ? MetricRequests.SamplesPerPoint(settings.ItemsPerRequest) : 1);
        return OtlpLoadScenario.RunAsync(plan, settings);
    }

    private static string RemoteWriteExporter(int sinkPort) => $"""
          prometheusremotewrite:
            endpoint: http://127.0.0.1:{sinkPort}/api/v1/write

        """;
}
