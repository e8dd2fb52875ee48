using System.IO.Pipelines;
using System.Net;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Net;
using Agent.Core.Receiving;
using Agent.Core.Telemetry;
using Agent.Http;
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
/// signal. A request is answered success once its data is accepted, on disk, or delivered, as <c>acknowledgements</c>
/// says (see <see cref="OtlpIngest"/>); every batch carries the client's address, and its headers when
/// <c>include_metadata</c> is set for the protocol.
/// </summary>
internal sealed class OtlpReceiver : IComponent
{
    private readonly ComponentId _id;
    private readonly IComponentHost _host;
    private readonly OtlpReceiverOptions _options;
    private readonly ReceiverConsumers _consumers;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ReceiverHelper _helper;
    private readonly OtlpIngest _ingest;
    private readonly FullPipelineDoor _door;
    private readonly InFlightBytes _inFlight;
    private readonly List<EmbeddedHttpServer> _servers = [];

    public OtlpReceiver(ComponentContext context, OtlpReceiverOptions options, ReceiverConsumers consumers)
    {
        _id = context.Id;
        _host = context.Host;
        _options = options;
        _consumers = consumers;
        _loggerFactory = context.Host.LoggerFactory;
        _logger = context.CreateLogger<OtlpReceiver>();
        _helper = new ReceiverHelper(context, _logger, awaitDelivery: options.Acknowledgements, options.BackpressureTimeout);
        _ingest = new OtlpIngest(_helper, options.Limits);
        _door = new FullPipelineDoor(_helper);
        _inFlight = new InFlightBytes((long)options.MaxInFlightBytesMib * 1024 * 1024);
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
                GrpcEndPoints = server.EndPoints;
                _logger.LogInformation("Receiver {Receiver} serves OTLP/gRPC on {Endpoints}", _id, string.Join(", ", GrpcEndPoints));
            }

            if (_options.Protocols.Http is { } http)
            {
                var server = await StartHttpAsync(http, cancellationToken).ConfigureAwait(false);
                _servers.Add(server);
                HttpEndPoints = server.EndPoints;
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
        using (_helper.AbandonWhen(cancellationToken))
        {
            await StopServersAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopServersAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_servers.Select(server => server.StopAsync(cancellationToken))).ConfigureAwait(false);

        _servers.Clear();
    }

    private Task<EmbeddedHttpServer> StartGrpcAsync(OtlpGrpcOptions grpc, CancellationToken cancellationToken)
    {
        int limit = grpc.MaxRecvMsgSizeMib * 1024 * 1024;
        var telemetry = _ingest.Telemetry;
        var authentication = AuthenticationFor(grpc.Auth, "grpc");
        foreach (string key in grpc.Keepalive?.Unsupported() ?? [])
        {
            _logger.LogWarning("Receiver {Receiver}: protocols.grpc.keepalive.{Key} is not supported by the agent's server and is ignored", _id, key);
        }

        return EmbeddedHttpServer.StartAsync(
            new EmbeddedHttpServerOptions(ListenEndpoint.Parse(grpc.Endpoint), _loggerFactory)
            {
                ConfigureListener = listen => listen.Protocols = HttpProtocols.Http2,
                Tls = CertificatesFor(grpc.Tls, "grpc"),
                ConfigureServer = grpc.Keepalive is { } keepalive ? kestrel => GrpcKeepalive.Apply(keepalive, kestrel) : null,
                Services = services =>
            {
                services.AddRoutingCore();
                services.AddGrpc(options =>
                {
                    options.MaxReceiveMessageSize = limit;
                    options.CompressionProviders = GrpcCappedCompression.All(limit, () => telemetry.RequestRejected("malformed"));
                });
                services.AddSingleton<OtlpGrpcService>();
                services.AddSingleton<IServiceMethodProvider<OtlpGrpcService>>(new OtlpGrpcServices(_consumers, _ingest, grpc.IncludeMetadata));
            },
                Handlers = app =>
                {
                    app.Use(CountOversizedAsync);
                    if (authentication is not null)
                    {
                        app.Use(authentication.InvokeAsync);
                    }

                    app.Use(_door.InvokeGrpcAsync);
                    app.Use(HoldInFlightAsync);
                    app.MapGrpcService<OtlpGrpcService>();
                },
            },
            cancellationToken);
    }

    private Task<EmbeddedHttpServer> StartHttpAsync(OtlpHttpOptions http, CancellationToken cancellationToken)
    {
        var handler = new OtlpHttpHandler(http, _consumers, _ingest, _inFlight, _door);
        var authentication = AuthenticationFor(http.Auth, "http");
        var tls = CertificatesFor(http.Tls, "http");
        return EmbeddedHttpServer.StartAsync(
            new EmbeddedHttpServerOptions(ListenEndpoint.Parse(http.Endpoint), _loggerFactory)
            {
                // Over TLS, ALPN chooses between HTTP/1.1 and HTTP/2; in cleartext, the first bytes do.
                ConfigureListener = tls is null ? H2cPriorKnowledge.Enable : listen => listen.Protocols = HttpProtocols.Http1AndHttp2,
                Tls = tls,
                MaxRequestBodySize = http.MaxRequestBodySize + OtlpHttpHandler.DrainAllowance,
                Services = services => services.AddCors(),
                Handlers = app =>
                {
                    // Preflights carry no credentials: CORS answers them before authentication.
                    Cors.Use(app, http.Cors);
                    if (authentication is not null)
                    {
                        app.Use(authentication.InvokeAsync);
                    }

                    app.Use((HttpContext context, RequestDelegate _) => handler.HandleAsync(context));
                },
            },
            cancellationToken);
    }

    /// <summary>The protocol's certificates, loaded now; a reload that fails later is logged and counted, and the old ones stay.</summary>
    private ServerCertificates? CertificatesFor(TlsServerOptions? tls, string protocol) =>
        tls is null ? null : new ServerCertificates(tls, TimeProvider.System, ex =>
        {
            _ingest.Telemetry.TlsReloadFailed();
            _logger.LogWarning("Receiver {Receiver} ({Protocol}): the changed TLS files could not be loaded, the previous certificate stays in use: {Error}", _id, protocol, ex.Message);
        });

    /// <summary>The check of the protocol's <c>auth</c> block; the loader already made sure the extension is configured.</summary>
    private RequestAuthentication? AuthenticationFor(ServerAuthOptions? auth, string protocol)
    {
        if (auth is null)
        {
            return null;
        }

        var authenticator = _host.GetExtension<IServerAuthenticator>(auth.AuthenticatorId)
            ?? throw new InvalidOperationException($"receiver {_id}: protocols.{protocol}.auth.authenticator \"{auth.Authenticator}\" names no running authenticator extension");
        return new RequestAuthentication(authenticator, _ingest.Telemetry, grpc: protocol == "grpc");
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
            _ingest.Telemetry.RequestRejected("too_large");
        }
    }

    /// <summary>A gRPC call holds its buffered bytes against the in-flight budget until its handler returned.</summary>
    private async Task HoldInFlightAsync(HttpContext context, RequestDelegate next)
    {
        using var lease = _inFlight.Open();
        var reader = new InFlightPipeReader(context.Request.BodyReader, lease, () => _ingest.Telemetry.RequestRejected("in_flight_limit"));
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipe(reader));
        await next(context).ConfigureAwait(false);
    }

    private sealed class RequestBodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }

    public override string ToString() => $"receiver {_id}";
}
