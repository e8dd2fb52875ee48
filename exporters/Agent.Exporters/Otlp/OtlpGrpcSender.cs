using System.Runtime.CompilerServices;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Grpc.Core;
using Grpc.Net.Client;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Sends encoded OTLP requests over gRPC: the request's protobuf bytes are the call's message as they are (the
/// channel applies the configured grpc-encoding), and the answer is read straight into a <see cref="SendResult"/> (boxed: gRPC wants a class).
/// Failures are sorted by the OTLP rules (<see cref="GrpcFailures"/>).
/// </summary>
internal sealed class OtlpGrpcSender : IRequestSender, IDisposable
{
    private static readonly Marshaller<ExportRequest> Request = new(
        static (request, context) =>
        {
            var body = request.Body.Span;
            context.SetPayloadLength(body.Length);
            var writer = context.GetBufferWriter();
            body.CopyTo(writer.GetSpan(body.Length));
            writer.Advance(body.Length);
            context.Complete();
        },
        static _ => throw new NotSupportedException("the exporter only sends requests"));

    private static readonly Method<ExportRequest, StrongBox<SendResult>> Traces = Export(Signal.Traces, "opentelemetry.proto.collector.trace.v1.TraceService");
    private static readonly Method<ExportRequest, StrongBox<SendResult>> Metrics = Export(Signal.Metrics, "opentelemetry.proto.collector.metrics.v1.MetricsService");
    private static readonly Method<ExportRequest, StrongBox<SendResult>> Logs = Export(Signal.Logs, "opentelemetry.proto.collector.logs.v1.LogsService");

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _calls;
    private readonly Metadata _headers;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>Sends over <paramref name="channel"/> (connected to <paramref name="target"/>), which it then owns.</summary>
    public OtlpGrpcSender(GrpcChannel channel, Uri target, Metadata headers, TimeSpan timeout, TimeProvider time)
    {
        _channel = channel;
        Target = target;
        _calls = channel.CreateCallInvoker();
        _headers = headers;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>The address the channel connects to.</summary>
    public Uri Target { get; }

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        var method = request.Signal switch
        {
            Signal.Traces => Traces,
            Signal.Metrics => Metrics,
            _ => Logs,
        };

        // The deadline travels with the call (grpc-timeout) so the server stops working on an abandoned request too.
        var options = new CallOptions(_headers, _time.GetUtcNow().UtcDateTime + _timeout, cancellationToken);
        try
        {
            using var call = _calls.AsyncUnaryCall(method, null, options, request);
            return (await call.ResponseAsync.ConfigureAwait(false)).Value;
        }
        catch (RpcException ex)
        {
            throw GrpcFailures.Classify(ex);
        }
    }

    public void Dispose() => _channel.Dispose();

    private static Method<ExportRequest, StrongBox<SendResult>> Export(Signal signal, string service) => new(
        MethodType.Unary,
        service,
        "Export",
        Request,
        new Marshaller<StrongBox<SendResult>>(
            static (_, _) => throw new NotSupportedException("the exporter only reads answers"),
            context => new StrongBox<SendResult>(OtlpResponses.Parse(signal, context.PayloadAsNewBuffer()))));
}
