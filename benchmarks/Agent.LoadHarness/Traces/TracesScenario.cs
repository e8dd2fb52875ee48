using Agent.LoadHarness.Otlp;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Traces;

/// <summary>OTLP gRPC spans → agent (otlp → batch → otlp) → an OTLP trace sink.</summary>
internal static class TracesScenario
{
    private const int DistinctRequests = 200;

    /// <param name="compression">The agent's otlp exporter compression.</param>
    /// <param name="batch">false leaves the batch processor out, to see what it costs.</param>
    public static Task<ResultTable> RunAsync(OtlpLoadSettings settings, string compression, bool batch)
    {
        var plan = new OtlpLoadPlan(
            OtlpSignal.Traces,
            "traces",
            $"{settings.ItemsPerRequest} spans/request, ≤ {settings.Concurrency} in flight, export {compression}{(batch ? string.Empty : ", no batch processor")}",
            SpanRequests.Encode(DistinctRequests, settings.ItemsPerRequest, seed: 1),
            async () => await OtlpSink.StartAsync(OtlpSignal.Traces).ConfigureAwait(false),
            (receiver, sink, telemetry) => OtlpPipelineConfig.Yaml("traces", receiver, telemetry, batch, OtlpPipelineConfig.OtlpExporter(sink, compression)));
        return OtlpLoadScenario.RunAsync(plan, settings);
    }
}
