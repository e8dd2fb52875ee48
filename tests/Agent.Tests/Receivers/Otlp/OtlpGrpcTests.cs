using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.Otlp.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

public class OtlpGrpcTests
{
    private static readonly Method<byte[], byte[]> RawTraceExport = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        Marshallers.Create(static bytes => bytes, static bytes => bytes),
        Marshallers.Create(static bytes => bytes, static bytes => bytes));

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Export_is_delivered_and_answered_with_an_empty_response()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var sent = OtlpSamples.Traces(spans: 5);

        var answer = await new TraceService.TraceServiceClient(channel).ExportAsync(sent);

        Assert.Null(answer.PartialSuccess);
        Assert.Equal(sent, Assert.Single(otlp.Traces.Received).Data);
        Assert.Equal(5, SelfMetrics.AcceptedValue(otlp.Name, "grpc", Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Gzip_compressed_messages_are_accepted()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var sent = OtlpSamples.Logs(body: new string('x', 10_000));

        await new LogsService.LogsServiceClient(channel).ExportAsync(sent, GzipRequest());

        Assert.Equal(sent, Assert.Single(otlp.Logs.Received).Data);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Garbage_bytes_are_answered_invalid_argument()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(RawTraceExport, null, default, [0x0A, 100, 1, 2, 3]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "malformed"));
        await AssertStillServesAsync(otlp, channel);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Message_over_the_limit_is_answered_resource_exhausted()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Grpc!.MaxRecvMsgSizeMib = 1);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var huge = OtlpSamples.Logs(body: new string('x', 2 * 1024 * 1024));

        var error = await Assert.ThrowsAsync<RpcException>(() => new LogsService.LogsServiceClient(channel).ExportAsync(huge).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(otlp.Logs.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "too_large"));
        await AssertStillServesAsync(otlp, channel);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Gzip_message_inflating_past_the_limit_is_answered_resource_exhausted()
    {
        // 16 MiB of zeros travel as a few kilobytes but inflate far past the 1 MiB limit.
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Grpc!.MaxRecvMsgSizeMib = 1);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(RawTraceExport, null, GzipRequest(), new byte[16 * 1024 * 1024]).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        await AssertStillServesAsync(otlp, channel);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Full_pipeline_is_answered_unavailable()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.BackpressureTimeout = TimeSpan.FromMilliseconds(100));
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        otlp.Traces.Full = true;

        var error = await Assert.ThrowsAsync<RpcException>(() => new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces(spans: 2)).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(2, SelfMetrics.RefusedValue(otlp.Name, "grpc", Signal.Traces));
        otlp.Traces.Full = false;
        await AssertStillServesAsync(otlp, channel);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_client_is_answered_once_the_pipeline_took_the_data_not_once_it_is_delivered()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        otlp.Traces.Hold = true;

        // The exporter has not delivered (the batch is held), yet an SDK exporting one batch at a time goes on.
        await new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces()).ResponseAsync;

        Assert.Single(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.AcceptedValue(otlp.Name, "grpc", Signal.Traces));
        otlp.Traces.ReleaseHeld();
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task With_acknowledgements_the_client_waits_for_delivery()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(OtlpTestReceiver.AnswerOnDelivery);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        otlp.Traces.Hold = true;

        var call = new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces()).ResponseAsync;
        await otlp.Traces.FirstBatch;
        Assert.False(call.IsCompleted);
        otlp.Traces.ReleaseHeld();

        await call;
        Assert.Equal(1, SelfMetrics.AcceptedValue(otlp.Name, "grpc", Signal.Traces));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(DeliveryStatus.Errored, StatusCode.Unavailable)]
    [InlineData(DeliveryStatus.Rejected, StatusCode.InvalidArgument)]
    public async Task Failed_delivery_is_answered_with_its_retry_meaning(DeliveryStatus status, StatusCode expected)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(OtlpTestReceiver.AnswerOnDelivery);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        otlp.Traces.Decide = _ => status;

        var error = await Assert.ThrowsAsync<RpcException>(() => new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces()).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        otlp.Traces.Decide = _ => DeliveryStatus.Delivered;
        await AssertStillServesAsync(otlp, channel);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Signal_without_a_pipeline_is_answered_unimplemented()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(metrics: false);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MetricsService.MetricsServiceClient(channel).ExportAsync(new ExportMetricsServiceRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Logs_with_ids_of_the_wrong_length_are_reported_as_partial_success()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var sent = OtlpSamples.Logs();
        sent.ResourceLogs[0].ScopeLogs[0].LogRecords.Add(new OpenTelemetry.Proto.Logs.V1.LogRecord { SpanId = ByteString.CopyFrom(1, 2) });

        var answer = await new LogsService.LogsServiceClient(channel).ExportAsync(sent);

        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.Single(Assert.Single(otlp.Logs.Received).Data.ResourceLogs[0].ScopeLogs[0].LogRecords);
    }

    private static CallOptions GzipRequest() => new(new Metadata { { "grpc-internal-encoding-request", "gzip" } });

    private static async Task AssertStillServesAsync(OtlpTestReceiver otlp, GrpcChannel channel)
    {
        int before = otlp.Traces.Received.Count;
        await new TraceService.TraceServiceClient(channel).ExportAsync(OtlpSamples.Traces());
        Assert.Equal(before + 1, otlp.Traces.Received.Count);
    }
}
