using System.Net;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// The agent's OTLP destination for one signal: its <c>Export</c> method on Kestrel (h2c on loopback), answering
/// with an empty export response. Requests are not decoded into the generated classes: at hundreds of thousands of
/// items per second that costs the harness more CPU than the agent is allowed, so items are counted on the wire
/// (gRPC's gzip is undone by the framework first).
/// </summary>
internal sealed class OtlpSink : IItemSink
{
    private readonly WebApplication _app;
    private readonly ItemCounter _counter;

    private OtlpSink(WebApplication app, ItemCounter counter)
    {
        _app = app;
        _counter = counter;
    }

    public int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public long Items => _counter.Items;

    public static async Task<OtlpSink> StartAsync(OtlpSignal signal)
    {
        var counter = new ItemCounter();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(counter);
        builder.Services.AddSingleton(signal);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton<IServiceMethodProvider<ExportService>, ExportMethod>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;

            // Large windows so big batches from the agent are not throttled by HTTP/2 flow control.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapGrpcService<ExportService>();
        await app.StartAsync().ConfigureAwait(false);
        return new OtlpSink(app, counter);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The service type gRPC resolves per call; the method bound below does the work.</summary>
    internal sealed class ExportService;

    /// <summary>Binds the signal's Export with a request marshaller that counts instead of decoding.</summary>
    internal sealed class ExportMethod(ItemCounter counter, OtlpSignal signal) : IServiceMethodProvider<ExportService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<ExportService> context)
        {
            var accepted = Task.FromResult(signal.EmptyResponse());
            var requests = new Marshaller<ItemCount>(
                static (_, _) => throw new NotSupportedException("The sink only receives requests."),
                input => Count(input));
            var responses = Marshallers.Create(static (byte[] message) => message, static bytes => bytes);
            var method = new Method<ItemCount, byte[]>(MethodType.Unary, signal.Service, "Export", requests, responses);
            context.AddUnaryMethod(method, [], (_, items, _) =>
            {
                counter.Add(items.Items);
                return accepted;
            });
        }

        private ItemCount Count(DeserializationContext input)
        {
            try
            {
                return new ItemCount(OtlpItemCounter.Count(input.PayloadAsReadOnlySequence(), signal.CountItems));
            }
            catch (InvalidDataException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"not an OTLP export request: {ex.Message}"));
            }
        }
    }
}
