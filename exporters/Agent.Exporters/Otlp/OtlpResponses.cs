using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Exporters.Otlp;

/// <summary>Reads an OTLP export response's <c>partial_success</c>: the items the server refused and why.</summary>
public static class OtlpResponses
{
    /// <summary>
    /// The result an encoded response of <paramref name="signal"/> carries. The data was accepted either way: a body
    /// that cannot be read only costs the partial-success details.
    /// </summary>
    public static SendResult Parse(Signal signal, ReadOnlySpan<byte> body)
    {
        try
        {
            return signal switch
            {
                Signal.Traces => Of(ExportTraceServiceResponse.Parser.ParseFrom(body)),
                Signal.Metrics => Of(ExportMetricsServiceResponse.Parser.ParseFrom(body)),
                _ => Of(ExportLogsServiceResponse.Parser.ParseFrom(body)),
            };
        }
        catch (InvalidProtocolBufferException)
        {
            return SendResult.Accepted;
        }
    }

    public static SendResult Of(ExportTraceServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedSpans, partial.ErrorMessage) : SendResult.Accepted;

    public static SendResult Of(ExportMetricsServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedDataPoints, partial.ErrorMessage) : SendResult.Accepted;

    public static SendResult Of(ExportLogsServiceResponse response) =>
        response.PartialSuccess is { } partial ? new SendResult(partial.RejectedLogRecords, partial.ErrorMessage) : SendResult.Accepted;
}
