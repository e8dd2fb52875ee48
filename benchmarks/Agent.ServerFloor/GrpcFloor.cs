using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Agent.ServerFloor;

/// <summary>The service instance gRPC resolves per call; the methods bound below do the work.</summary>
internal sealed class GrpcFloorService
{
}

/// <summary>
/// The gRPC framework's layer of the floor: the three OTLP export methods bound as the agent binds them (a method
/// provider with its own marshallers, no generated code), each answering an empty response. The request marshaller
/// only notes the message's length: no copy, no parse.
/// </summary>
internal sealed class GrpcFloorMethods : IServiceMethodProvider<GrpcFloorService>
{
    private static readonly string[] Services =
    [
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "opentelemetry.proto.collector.metrics.v1.MetricsService",
        "opentelemetry.proto.collector.logs.v1.LogsService",
    ];

    private static readonly Task<Reply> Answered = Task.FromResult(new Reply());

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<GrpcFloorService> context)
    {
        var requests = new Marshaller<Received>(
            static (_, _) => throw new NotSupportedException("The floor only reads requests."),
            static input => new Received(input.PayloadLength));
        var replies = new Marshaller<Reply>(
            static (_, output) => output.Complete([]),
            static _ => throw new NotSupportedException("The floor only sends replies."));
        foreach (string service in Services)
        {
            var method = new Method<Received, Reply>(MethodType.Unary, service, "Export", requests, replies);
            context.AddUnaryMethod(method, [], static (_, _, _) => Answered);
        }
    }

    internal sealed record Received(int Length);

    internal sealed record Reply;
}
