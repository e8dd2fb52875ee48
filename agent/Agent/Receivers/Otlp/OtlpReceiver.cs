using System.Net;
using Agent.Core.Components;
using Agent.Core.Telemetry;
using Agent.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Otlp;

/// <summary>
/// The <c>otlp</c> receiver: OTLP/gRPC and OTLP/HTTP servers, each on its own port, feeding one consumer per
/// signal. A request is answered success only once its data is delivered (see <see cref="OtlpIngest"/>).
/// </summary>
internal sealed class OtlpReceiver : IComponent
{
    private readonly ComponentId _id;
    private readonly OtlpReceiverOptions _options;
    private readonly ReceiverConsumers _consumers;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly OtlpIngest _ingest;
    private readonly List<WebApplication> _servers = [];

    public OtlpReceiver(ComponentId id, OtlpReceiverOptions options, ReceiverConsumers consumers, ILoggerFactory loggerFactory)
    {
        _id = id;
        _options = options;
        _consumers = consumers;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<OtlpReceiver>();
        _ingest = new OtlpIngest(id.ToString(), options.BackpressureTimeout, _logger);
    }

    /// <summary>Where the gRPC server listens once started (the real port when 0 was configured); empty when off.</summary>
    public IReadOnlyList<IPEndPoint> GrpcEndPoints { get; private set; } = [];

    /// <summary>Where the HTTP server listens once started; empty when off.</summary>
    public IReadOnlyList<IPEndPoint> HttpEndPoints { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_options.Protocols.Grpc is { } grpc)
            {
                var server = await StartGrpcAsync(grpc, cancellationToken).ConfigureAwait(false);
                _servers.Add(server);
                GrpcEndPoints = OtlpServerHost.BoundEndPoints(server);
                _logger.LogInformation("Receiver {Receiver} serves OTLP/gRPC on {Endpoints}", _id, string.Join(", ", GrpcEndPoints));
            }

            if (_options.Protocols.Http is { } http)
            {
                var server = await StartHttpAsync(http, cancellationToken).ConfigureAwait(false);
                _servers.Add(server);
                HttpEndPoints = OtlpServerHost.BoundEndPoints(server);
                _logger.LogInformation("Receiver {Receiver} serves OTLP/HTTP on {Endpoints}", _id, string.Join(", ", HttpEndPoints));
            }
        }
        catch
        {
            // A port that cannot be bound must not leave the other server running.
            await StopServersAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops listening, lets in-flight requests finish (their batches drain through the pipeline), then stops.
    /// When the drain deadline passes, waiting requests are answered UNAVAILABLE and connections are closed.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(_ingest.Abandon))
        {
            await StopServersAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopServersAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_servers.Select(server => server.StopAsync(cancellationToken))).ConfigureAwait(false);
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _servers.Clear();
    }

    private Task<WebApplication> StartGrpcAsync(OtlpGrpcOptions grpc, CancellationToken cancellationToken)
    {
        int limit = grpc.MaxRecvMsgSizeMib * 1024 * 1024;
        string receiver = _id.ToString();
        return OtlpServerHost.StartAsync(
            ListenEndpoint.Parse(grpc.Endpoint),
            listen => listen.Protocols = HttpProtocols.Http2,
            maxRequestBodySize: null,
            _loggerFactory,
            services =>
            {
                services.AddRoutingCore();
                services.AddGrpc(options =>
                {
                    options.MaxReceiveMessageSize = limit;
                    options.CompressionProviders = [new GrpcGzipProvider(limit, () => AgentMetrics.RequestRejected(receiver, "malformed"))];
                });
                services.AddSingleton<OtlpGrpcService>();
                services.AddSingleton<IServiceMethodProvider<OtlpGrpcService>>(new OtlpGrpcServices(_consumers, _ingest));
            },
            app =>
            {
                app.Use(CountOversizedAsync);
                app.MapGrpcService<OtlpGrpcService>();
            },
            cancellationToken);
    }

    private Task<WebApplication> StartHttpAsync(OtlpHttpOptions http, CancellationToken cancellationToken)
    {
        var handler = new OtlpHttpHandler(http, _consumers, _ingest);
        return OtlpServerHost.StartAsync(
            ListenEndpoint.Parse(http.Endpoint),
            H2cPriorKnowledge.Enable,
            maxRequestBodySize: http.MaxRequestBodySize + OtlpHttpHandler.DrainAllowance,
            _loggerFactory,
            _ => { },
            app => app.Use((HttpContext context, RequestDelegate _) => handler.HandleAsync(context)),
            cancellationToken);
    }

    /// <summary>gRPC refuses oversized messages before our code sees them; count them from the status it sent.</summary>
    private async Task CountOversizedAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        const string ResourceExhausted = "8";
        string? status = context.Response.Headers["grpc-status"];
        status ??= context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"];
        if (status == ResourceExhausted)
        {
            AgentMetrics.RequestRejected(_id.ToString(), "too_large");
        }
    }

    public override string ToString() => $"receiver {_id}";
}
