using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// What differs between the OTLP signals the harness sends and sinks: the gRPC service, what an item is called, how
/// a response reports rejected items and how a request's items are counted on the wire.
/// </summary>
internal sealed record OtlpSignal(
    string Service,
    string Items,
    Func<byte[], long> RejectedItems,
    Func<ReadOnlySpan<byte>, long> CountItems,
    Func<byte[]> EmptyResponse)
{
    public static OtlpSignal Traces { get; } = new(
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "spans",
        response => ExportTraceServiceResponse.Parser.ParseFrom(response).PartialSuccess?.RejectedSpans ?? 0,
        OtlpItemCounter.CountSpans,
        () => new ExportTraceServiceResponse().ToByteArray());

    public static OtlpSignal Metrics { get; } = new(
        "opentelemetry.proto.collector.metrics.v1.MetricsService",
        "points",
        response => ExportMetricsServiceResponse.Parser.ParseFrom(response).PartialSuccess?.RejectedDataPoints ?? 0,
        OtlpItemCounter.CountDataPoints,
        () => new ExportMetricsServiceResponse().ToByteArray());
}
