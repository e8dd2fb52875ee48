using System.IO.Compression;
using Agent.Core.Model;
using Agent.Tests.OtlpServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Fakes;

/// <summary>The fake backend's two front doors: the OTLP gRPC services and the OTLP/HTTP handler.</summary>
public sealed partial class FakeOtlpBackend
{
    private const string Protobuf = "application/x-protobuf";

    /// <summary>Applies the plan to one decoded request: stall, fail, or accept (keeping it) with the refused count to report.</summary>
    private async Task<PlannedReply?> ReceiveAsync<TRequest>(
        FakeOtlpTransport transport, Signal signal, TRequest request, int items, HttpContext http, string? encoding, List<TRequest> store, CancellationToken abandoned)
    {
        var plan = TakePlan(transport);
        var seen = new FakeOtlpRequest(
            transport,
            signal,
            http.Request.Path,
            http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            string.IsNullOrEmpty(encoding) || encoding == "identity" ? null : encoding,
            http.Request.ContentType,
            items,
            "accepted",
            http.Connection.ClientCertificate?.Subject);
        if (plan?.Stall is { } stall)
        {
            try
            {
                await Task.Delay(stall, abandoned);
            }
            catch (OperationCanceledException)
            {
                Record(seen with { Outcome = "abandoned" }, null);
                throw;
            }
        }

        if (plan?.GrpcCode is { } code)
        {
            Record(seen with { Outcome = code.ToString() }, null);
        }
        else if (plan?.HttpStatus is { } status)
        {
            Record(seen with { Outcome = status.ToString(System.Globalization.CultureInfo.InvariantCulture) }, null);
        }
        else
        {
            Record(seen, () => store.Add(request));
        }

        return plan;
    }

    private async Task<(long Rejected, string Message)> ReceiveGrpcAsync<TRequest>(Signal signal, TRequest request, int items, ServerCallContext context, List<TRequest> store)
    {
        var http = context.GetHttpContext();
        var plan = await ReceiveAsync(FakeOtlpTransport.Grpc, signal, request, items, http, http.Request.Headers["grpc-encoding"].ToString(), store, context.CancellationToken);
        if (plan?.GrpcCode is { } code)
        {
            var trailers = new Metadata();
            if (plan.RetryAfter is { } delay)
            {
                trailers.Add("grpc-status-details-bin", EncodeStatus((int)code, plan.Message, delay));
            }

            throw new RpcException(new Status(code, plan.Message), trailers);
        }

        return (plan?.Rejected ?? 0, plan?.Message ?? string.Empty);
    }

    private async Task HandleHttpAsync(HttpContext http)
    {
        string path = http.Request.Path.Value ?? string.Empty;
        Signal? signal = path.EndsWith("traces", StringComparison.Ordinal) ? Signal.Traces
            : path.EndsWith("metrics", StringComparison.Ordinal) ? Signal.Metrics
            : path.EndsWith("logs", StringComparison.Ordinal) ? Signal.Logs
            : null;
        if (signal is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string encoding = http.Request.Headers.ContentEncoding.ToString();
        using var body = new MemoryStream();
        await (encoding == "gzip" ? new GZipStream(http.Request.Body, CompressionMode.Decompress) : http.Request.Body).CopyToAsync(body);
        byte[] bytes = body.ToArray();
        lock (_gate)
        {
            _httpBodies.Add((signal.Value, bytes));
        }

        IMessage response;
        PlannedReply? plan;
        try
        {
            switch (signal)
            {
                case Signal.Traces:
                    var traces = ExportTraceServiceRequest.Parser.ParseFrom(bytes);
                    plan = await ReceiveAsync(FakeOtlpTransport.Http, Signal.Traces, traces, new TracesBatch(traces).ItemCount, http, encoding, _traces, http.RequestAborted);
                    response = new ExportTraceServiceResponse { PartialSuccess = plan?.Rejected > 0 ? new() { RejectedSpans = plan.Rejected, ErrorMessage = plan.Message } : null };
                    break;
                case Signal.Metrics:
                    var metrics = ExportMetricsServiceRequest.Parser.ParseFrom(bytes);
                    plan = await ReceiveAsync(FakeOtlpTransport.Http, Signal.Metrics, metrics, new MetricsBatch(metrics).ItemCount, http, encoding, _metrics, http.RequestAborted);
                    response = new ExportMetricsServiceResponse { PartialSuccess = plan?.Rejected > 0 ? new() { RejectedDataPoints = plan.Rejected, ErrorMessage = plan.Message } : null };
                    break;
                default:
                    var logs = ExportLogsServiceRequest.Parser.ParseFrom(bytes);
                    plan = await ReceiveAsync(FakeOtlpTransport.Http, Signal.Logs, logs, new LogsBatch(logs).ItemCount, http, encoding, _logs, http.RequestAborted);
                    response = new ExportLogsServiceResponse { PartialSuccess = plan?.Rejected > 0 ? new() { RejectedLogRecords = plan.Rejected, ErrorMessage = plan.Message } : null };
                    break;
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            await WriteStatusAsync(http, StatusCodes.Status400BadRequest, ex.Message, null);
            return;
        }

        if (plan?.HttpStatus is { } status)
        {
            await WriteStatusAsync(http, status, plan.Message, plan.RetryAfter);
            return;
        }

        http.Response.ContentType = Protobuf;
        await http.Response.Body.WriteAsync(response.ToByteArray());
    }

    private static async Task WriteStatusAsync(HttpContext http, int status, string message, TimeSpan? retryAfter)
    {
        http.Response.StatusCode = status;
        if (retryAfter is { } delay)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.Response.ContentType = Protobuf;
        await http.Response.Body.WriteAsync(EncodeStatus(status, message, null));
    }

    /// <summary>A google.rpc.Status (code 1, message 2, details 3), with a google.rpc.RetryInfo detail when a delay is given.</summary>
    public static byte[] EncodeStatus(int code, string message, TimeSpan? retryDelay)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        if (retryDelay is { } delay)
        {
            // RetryInfo { google.protobuf.Duration retry_delay = 1; }
            var retryInfo = new byte[Duration.FromTimeSpan(delay).CalculateSize() + 8];
            var infoOutput = new CodedOutputStream(retryInfo);
            infoOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
            infoOutput.WriteMessage(Duration.FromTimeSpan(delay));
            int length = retryInfo.Length - (int)infoOutput.SpaceLeft;
            var detail = new Any
            {
                TypeUrl = "type.googleapis.com/google.rpc.RetryInfo",
                Value = ByteString.CopyFrom(retryInfo, 0, length),
            };
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(detail);
        }

        output.Flush();
        return buffer.ToArray();
    }

    private sealed class TraceReceiver(FakeOtlpBackend backend) : TraceService.TraceServiceBase
    {
        public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            var (rejected, message) = await backend.ReceiveGrpcAsync(Signal.Traces, request, new TracesBatch(request).ItemCount, context, backend._traces);
            return new ExportTraceServiceResponse { PartialSuccess = rejected > 0 ? new() { RejectedSpans = rejected, ErrorMessage = message } : null };
        }
    }

    private sealed class MetricsReceiver(FakeOtlpBackend backend) : MetricsService.MetricsServiceBase
    {
        public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            var (rejected, message) = await backend.ReceiveGrpcAsync(Signal.Metrics, request, new MetricsBatch(request).ItemCount, context, backend._metrics);
            return new ExportMetricsServiceResponse { PartialSuccess = rejected > 0 ? new() { RejectedDataPoints = rejected, ErrorMessage = message } : null };
        }
    }

    private sealed class LogsReceiver(FakeOtlpBackend backend) : LogsService.LogsServiceBase
    {
        public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
        {
            var (rejected, message) = await backend.ReceiveGrpcAsync(Signal.Logs, request, new LogsBatch(request).ItemCount, context, backend._logs);
            return new ExportLogsServiceResponse { PartialSuccess = rejected > 0 ? new() { RejectedLogRecords = rejected, ErrorMessage = message } : null };
        }
    }
}
