using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Core.Telemetry;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Agent.Receivers.Otlp;

/// <summary>The service instance gRPC resolves per call; the work is done by the methods bound below.</summary>
internal sealed class OtlpGrpcService
{
}

/// <summary>
/// Binds the three OTLP export methods (only those of wired signals: the others answer UNIMPLEMENTED). The
/// methods are declared here rather than taken from the generated service bases so the request marshaller can
/// answer a malformed message with INVALID_ARGUMENT (the generated one would surface as UNKNOWN).
/// </summary>
internal sealed class OtlpGrpcServices(ReceiverConsumers consumers, OtlpIngest ingest, bool includeMetadata) : IServiceMethodProvider<OtlpGrpcService>
{
    private const string Transport = "grpc";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
    {
        if (consumers.Traces is { } traces)
        {
            Bind(context, OtlpSignals.Traces, traces);
        }

        if (consumers.Metrics is { } metrics)
        {
            Bind(context, OtlpSignals.Metrics, metrics);
        }

        if (consumers.Logs is { } logs)
        {
            Bind(context, OtlpSignals.Logs, logs);
        }
    }

    private void Bind<TRequest, TResponse, TBatch>(
        ServiceMethodProviderContext<OtlpGrpcService> context,
        OtlpSignal<TRequest, TResponse, TBatch> signal,
        IConsumer<TBatch> consumer)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        where TBatch : Batch
    {
        var requests = new Marshaller<OtlpReceived<TRequest>>(
            static (_, _) => throw new NotSupportedException("The receiver only reads requests."),
            input => Parse(signal, consumer, input));
        var responses = new Marshaller<TResponse>(
            static (message, output) => output.Complete(message.ToByteArray()),
            static _ => throw new NotSupportedException("The receiver only sends responses."));
        var method = new Method<OtlpReceived<TRequest>, TResponse>(MethodType.Unary, signal.GrpcService, "Export", requests, responses);
        context.AddUnaryMethod(method, [], (_, request, call) => ExportAsync(signal, consumer, request, call));
    }

    private OtlpReceived<TRequest> Parse<TRequest, TResponse, TBatch>(OtlpSignal<TRequest, TResponse, TBatch> signal, IConsumer<TBatch> consumer, DeserializationContext input)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        var payload = input.PayloadAsReadOnlySequence();
        if (OtlpWireIntake.TryParse(consumer, payload, signal.Signal, ingest.Limits) is { } encoded)
        {
            return OtlpReceived<TRequest>.Of(encoded);
        }

        try
        {
            return OtlpReceived<TRequest>.Of(OtlpPayload.ParseProtobuf(signal.Parser, payload));
        }
        catch (InvalidProtocolBufferException ex)
        {
            ingest.Telemetry.RequestRejected("malformed");
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the message is not a valid {typeof(TRequest).Name}: {DecodeErrorText.Of(ex)}"));
        }
    }

    private async Task<TResponse> ExportAsync<TRequest, TResponse, TBatch>(
        OtlpSignal<TRequest, TResponse, TBatch> signal,
        IConsumer<TBatch> consumer,
        OtlpReceived<TRequest> request,
        ServerCallContext call)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        where TBatch : Batch
    {
        // The call's token fires on the client's deadline and when it disconnects.
        var client = OtlpClientContext.Of(call.GetHttpContext(), includeMetadata);
        var result = await ingest.ExportAsync(signal, consumer, request, Transport, client, call.CancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            ReceiveOutcome.Accepted => result.Response,
            ReceiveOutcome.Rejected => throw new RpcException(new Status(StatusCode.InvalidArgument, result.Message)),
            _ => throw new RpcException(new Status(StatusCode.Unavailable, result.Message)),
        };
    }
}
