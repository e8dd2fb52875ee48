using Agent.Core.Components;
using Agent.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Telemetry;

/// <summary>Serves the agent's own <c>/metrics</c> (Prometheus text), <c>/healthz</c> and <c>/readyz</c>.</summary>
internal static class TelemetryServer
{
    public static Task<EmbeddedHttpServer> StartAsync(
        ListenEndpoint address, PrometheusTelemetryRegistry metrics, IAgentStatus status, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        EmbeddedHttpServer.StartAsync(address, context => HandleAsync(context, metrics, status), loggerFactory, cancellationToken);

    private static async Task HandleAsync(HttpContext context, PrometheusTelemetryRegistry metrics, IAgentStatus status)
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
                await metrics.WriteTextAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/healthz":
                await WriteStateAsync(response, status.IsAlive, status).ConfigureAwait(false);
                break;
            case "/readyz":
                await WriteStateAsync(response, status.IsReady, status).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static Task WriteStateAsync(HttpResponse response, bool ok, IAgentStatus status)
    {
        response.StatusCode = ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(status.State + "\n");
    }
}
