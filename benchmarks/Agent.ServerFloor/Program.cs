using System.Net;
using Agent.Http;
using Agent.ServerFloor;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

// The cost floor of the agent's OTLP gRPC server: the agent's own Kestrel host (EmbeddedHttpServer: its memory
// pool, limits and HTTP/2 listener) answering every export at once and dropping its bytes, with no check, parse,
// pipeline or exporter behind it; with SERVER_FLOOR_LAYER=grpc the call goes through the gRPC framework as the
// agent's does, else a bare handler reads the body and answers. Run by the load harness in the agent's place
// (`Agent.LoadHarness traces --agent server-floor`, likewise `metrics`): the harness writes the agent's configuration,
// this reads the two ports from it. What the agent costs above this floor is what its own code can win back.
int configAt = Array.IndexOf(args, "--config");
if (configAt < 0 || configAt + 1 >= args.Length)
{
    Console.Error.WriteLine("usage: server-floor run --config FILE (a configuration written by the load harness)");
    return 2;
}

var ports = HarnessConfig.Read(args[configAt + 1]);
bool grpc = Environment.GetEnvironmentVariable("SERVER_FLOOR_LAYER") == "grpc";
var loggers = NullLoggerFactory.Instance;
await using var receiver = await EmbeddedHttpServer.StartAsync(
    new EmbeddedHttpServerOptions(new ListenEndpoint(IPAddress.Loopback.ToString(), ports.ReceiverPort), loggers)
    {
        ConfigureListener = listen => listen.Protocols = HttpProtocols.Http2,
        Services = grpc ? AddGrpcFloor : null,
        Handlers = grpc ? app => app.MapGrpcService<GrpcFloorService>() : app => app.Run(FloorHandlers.AnswerExportAsync),
    },
    CancellationToken.None);
await using var telemetry = await EmbeddedHttpServer.StartAsync(
    new ListenEndpoint(IPAddress.Loopback.ToString(), ports.TelemetryPort), FloorHandlers.AnswerTelemetryAsync, loggers, CancellationToken.None);

// Until the harness stops it (SIGTERM or SIGINT).
var stop = new TaskCompletionSource();
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    stop.TrySetResult();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
return 0;

static void AddGrpcFloor(IServiceCollection services)
{
    services.AddRoutingCore();
    services.AddGrpc();
    services.AddSingleton<GrpcFloorService>();
    services.AddSingleton<IServiceMethodProvider<GrpcFloorService>>(new GrpcFloorMethods());
}
