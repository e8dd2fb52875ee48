using System.Net;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.LoadHarness.Traces;

/// <summary>
/// The agent's OTLP destination: <c>opentelemetry.proto.collector.trace.v1.TraceService/Export</c> on Kestrel (h2c on
/// loopback), answering with the generated <c>ExportTraceServiceResponse</c>. Requests are not decoded into the
/// generated classes: at hundreds of thousands of spans per second that costs the harness more CPU than the agent
/// is allowed, so spans are counted on the wire (gRPC's gzip is undone by the framework first).
/// </summary>
internal sealed class TraceSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SpanCounter _counter;

    private TraceSink(WebApplication app, SpanCounter counter)
    {
        _app = app;
        _counter = counter;
    }

    public int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public long Spans => _counter.Spans;

    public long Requests => _counter.Requests;

    public static async Task<TraceSink> StartAsync()
    {
        var counter = new SpanCounter();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(counter);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton<IServiceMethodProvider<TraceExportService>, TraceExportMethod>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;

            // Large windows so big batches from the agent are not throttled by HTTP/2 flow control.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapGrpcService<TraceExportService>();
        await app.StartAsync().ConfigureAwait(false);
        return new TraceSink(app, counter);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    internal sealed class SpanCounter
    {
        private long _spans;
        private long _requests;

        public long Spans => Interlocked.Read(ref _spans);

        public long Requests => Interlocked.Read(ref _requests);

        public void Add(long spans)
        {
            Interlocked.Add(ref _spans, spans);
            Interlocked.Increment(ref _requests);
        }
    }

    /// <summary>What the request marshaller hands the method: the request's span count.</summary>
    internal sealed record SpanCount(long Spans);

    /// <summary>The service type gRPC resolves per call; the method bound below does the work.</summary>
    internal sealed class TraceExportService;

    /// <summary>Binds TraceService/Export with a request marshaller that counts instead of decoding.</summary>
    internal sealed class TraceExportMethod(SpanCounter counter) : IServiceMethodProvider<TraceExportService>
    {
        private static readonly Task<ExportTraceServiceResponse> Accepted = Task.FromResult(new ExportTraceServiceResponse());

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TraceExportService> context)
        {
            var requests = new Marshaller<SpanCount>(
                static (_, _) => throw new NotSupportedException("The sink only receives requests."),
                static input => Count(input));
            var responses = Marshallers.Create(static (ExportTraceServiceResponse message) => message.ToByteArray(), ExportTraceServiceResponse.Parser.ParseFrom);
            var method = new Method<SpanCount, ExportTraceServiceResponse>(
                MethodType.Unary, "opentelemetry.proto.collector.trace.v1.TraceService", "Export", requests, responses);
            context.AddUnaryMethod(method, [], (_, request, _) =>
            {
                counter.Add(request.Spans);
                return Accepted;
            });
        }

        private static SpanCount Count(DeserializationContext input)
        {
            try
            {
                return new SpanCount(OtlpSpanCounter.Count(input.PayloadAsReadOnlySequence()));
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"not an ExportTraceServiceRequest: {ex.Message}"));
            }
        }
    }
}
