using Agent.Core.Components;
using Agent.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Extensions.HealthCheck;

/// <summary>
/// Answers on its own port, as the Collector's health_check does, so probes written for the Collector work:
/// 200 with <c>{"status":"Server available"}</c> while the agent runs, 503 while it starts or stops.
/// </summary>
internal sealed class HealthCheckExtension : IComponent
{
    private readonly HealthCheckOptions _options;
    private readonly IAgentStatus _status;
    private readonly ILoggerFactory _loggerFactory;
    private EmbeddedHttpServer? _server;

    public HealthCheckExtension(HealthCheckOptions options, IAgentStatus status, ILoggerFactory loggerFactory)
    {
        _options = options;
        _status = status;
        _loggerFactory = loggerFactory;
    }

    public int? Port => _server?.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await EmbeddedHttpServer.StartAsync(ListenEndpoint.Parse(_options.Endpoint), HandleAsync, _loggerFactory, cancellationToken).ConfigureAwait(false);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The Collector's health_check bodies; constant, so no serializer is needed (nor its reflection under Native AOT).
    private const string AvailableBody = """{"status":"Server available"}""";
    private const string UnavailableBody = """{"status":"Server not available"}""";

    private Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != _options.Path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        bool ready = _status.IsReady;
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ready ? AvailableBody : UnavailableBody);
    }

    public override string ToString() => "extension health_check";
}
