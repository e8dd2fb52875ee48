using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// What differs between the three OTLP export services, so the gRPC and HTTP front ends and the acknowledgement
/// logic are written once: the request and response types, the gRPC service name, and how to build the batch.
/// </summary>
internal sealed class OtlpSignal<TRequest, TResponse, TBatch>
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>, new()
    where TBatch : Batch
{
    public required Signal Signal { get; init; }

    public required MessageParser<TRequest> Parser { get; init; }

    /// <summary>The fully qualified gRPC service, e.g. <c>opentelemetry.proto.collector.trace.v1.TraceService</c>.</summary>
    public required string GrpcService { get; init; }

    public required Func<TRequest, TBatch> ToBatch { get; init; }

    /// <summary>A batch whose records stay encoded (see <see cref="OtlpWireIntake"/>), with the items its check counted.</summary>
    public required Func<WireRequest, WireBody?, int, TBatch> FromWire { get; init; }

    /// <summary>Removes items no backend could accept (ids of the wrong length); returns how many went.</summary>
    public required Func<TRequest, int> RemoveInvalid { get; init; }

    /// <summary>
    /// Removes references to other items that no backend could accept (a span link's or an exemplar's ids of the
    /// wrong length), keeping the items that hold them; returns how many went.
    /// </summary>
    public required Func<TRequest, int> RemoveInvalidReferences { get; init; }

    /// <summary>What <see cref="RemoveInvalidReferences"/> removes, for the answer and the metric: "links", "exemplars".</summary>
    public required string ReferenceName { get; init; }

    /// <summary>Applies the receiver's attribute limits to every attribute collection of a request.</summary>
    public required Func<TRequest, OtlpLimitsOptions, AttributeLimiter> LimitAttributes { get; init; }

    /// <summary>Turns the ids of a request parsed from OTLP/JSON from hex back into bytes.</summary>
    public required Action<TRequest> FixJsonIds { get; init; }

    /// <summary>The answer: empty when everything was taken, a partial success naming what was not.</summary>
    public required Func<int, string, TResponse> PartialSuccess { get; init; }
}

internal static class OtlpSignals
{
    public static OtlpSignal<ExportTraceServiceRequest, ExportTraceServiceResponse, TracesBatch> Traces { get; } = new()
    {
        Signal = Signal.Traces,
        Parser = ExportTraceServiceRequest.Parser,
        GrpcService = "opentelemetry.proto.collector.trace.v1.TraceService",
        ToBatch = static request => new TracesBatch(request),
        FromWire = static (request, body, items) => new TracesBatch(request, body, items),
        RemoveInvalid = OtlpIdValidation.RemoveInvalid,
        RemoveInvalidReferences = OtlpIdValidation.RemoveInvalidLinks,
        ReferenceName = "links",
        LimitAttributes = OtlpAttributeLimits.Apply,
        FixJsonIds = OtlpJsonIds.Fix,
        PartialSuccess = static (rejected, message) => new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = message },
        },
    };

    public static OtlpSignal<ExportMetricsServiceRequest, ExportMetricsServiceResponse, MetricsBatch> Metrics { get; } = new()
    {
        Signal = Signal.Metrics,
        Parser = ExportMetricsServiceRequest.Parser,
        GrpcService = "opentelemetry.proto.collector.metrics.v1.MetricsService",
        ToBatch = static request => new MetricsBatch(request),
        FromWire = static (request, body, items) => new MetricsBatch(request, body, items),
        RemoveInvalid = static _ => 0,
        RemoveInvalidReferences = OtlpIdValidation.RemoveInvalidExemplars,
        ReferenceName = "exemplars",
        LimitAttributes = OtlpAttributeLimits.Apply,
        FixJsonIds = OtlpJsonIds.Fix,
        PartialSuccess = static (rejected, message) => new ExportMetricsServiceResponse
        {
            PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = message },
        },
    };

    public static OtlpSignal<ExportLogsServiceRequest, ExportLogsServiceResponse, LogsBatch> Logs { get; } = new()
    {
        Signal = Signal.Logs,
        Parser = ExportLogsServiceRequest.Parser,
        GrpcService = "opentelemetry.proto.collector.logs.v1.LogsService",
        ToBatch = static request => new LogsBatch(request),
        FromWire = static (request, body, items) => new LogsBatch(request, body, items),
        RemoveInvalid = OtlpIdValidation.RemoveInvalid,
        RemoveInvalidReferences = static _ => 0,
        ReferenceName = "references",
        LimitAttributes = OtlpAttributeLimits.Apply,
        FixJsonIds = OtlpJsonIds.Fix,
        PartialSuccess = static (rejected, message) => new ExportLogsServiceResponse
        {
            PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = message },
        },
    };
}
