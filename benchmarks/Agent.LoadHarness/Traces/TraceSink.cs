using System.Net;
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
/// The agent's OTLP destination: a gRPC TraceService on Kestrel (h2c on loopback) that counts the spans it is given
/// and throws them away.
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
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;

            // Large windows so big batches from the agent are not throttled by HTTP/2 flow control.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapGrpcService<CountingTraceService>();
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

    private sealed class CountingTraceService(SpanCounter counter) : TraceService.TraceServiceBase
    {
        private static readonly Task<ExportTraceServiceResponse> Accepted = Task.FromResult(new ExportTraceServiceResponse());

        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            long spans = 0;
            foreach (var resource in request.ResourceSpans)
            {
                foreach (var scope in resource.ScopeSpans)
                {
                    spans += scope.Spans.Count;
                }
            }

            counter.Add(spans);
            return Accepted;
        }
    }
}
