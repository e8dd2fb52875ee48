using Agent.Exporters.Sending;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Exporters.Otlp;

/// <summary>Reads an OTLP export response's <c>partial_success</c>: the items the server refused and why.</summary>
public static class OtlpResponses
{
    public static SendResult Of(ExportTraceServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedSpans, partial.ErrorMessage) : SendResult.Accepted;

    public static SendResult Of(ExportMetricsServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedDataPoints, partial.ErrorMessage) : SendResult.Accepted;

    public static SendResult Of(ExportLogsServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedLogRecords, partial.ErrorMessage) : SendResult.Accepted;
}
