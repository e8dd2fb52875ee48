using Agent.Net;
using Agent.Service;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Agent.Telemetry;

/// <summary>Serves the agent's own <c>/metrics</c> (Prometheus text), <c>/healthz</c> and <c>/readyz</c>.</summary>
internal static class TelemetryServer
{
    public static Task<LocalHttpServer> StartAsync(ListenEndpoint address, AgentHealth health, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        LocalHttpServer.StartAsync(address, context => HandleAsync(context, health), loggerFactory, cancellationToken);

    private static async Task HandleAsync(HttpContext context, AgentHealth health)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/healthz":
                await WriteStateAsync(response, health.IsAlive, health).ConfigureAwait(false);
                break;
            case "/readyz":
                await WriteStateAsync(response, health.IsReady, health).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static Task WriteStateAsync(HttpResponse response, bool ok, AgentHealth health)
    {
        response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(health.State.ToString().ToLowerInvariant() + "\n");
    }
}
