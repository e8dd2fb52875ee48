using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Http;

/// <summary>
/// One Kestrel server on one endpoint, hosted inside the agent: the OTLP receiver, self-telemetry and the health
/// check all use it. Logs go to the agent's logger factory (Kestrel's and gRPC's own chatter only from Warning up),
/// there is no console lifetime (the agent, not this host, reacts to signals), and stopping waits for in-flight
/// requests as long as the caller's token allows.
/// </summary>
public sealed class EmbeddedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EmbeddedHttpServer(WebApplication app)
    {
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        EndPoints = addresses
            .Select(text => new Uri(text))
            .Select(uri => new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port))
            .ToList();
    }

    /// <summary>The addresses actually bound (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    public int Port => EndPoints[0].Port;

    /// <summary>Serves every request with <paramref name="handler"/>: no routing, no extras.</summary>
    public static Task<EmbeddedHttpServer> StartAsync(
        ListenEndpoint endpoint, RequestDelegate handler, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        StartAsync(new EmbeddedHttpServerOptions(endpoint, loggerFactory) { Handlers = app => app.Run(handler) }, cancellationToken);

    public static async Task<EmbeddedHttpServer> StartAsync(EmbeddedHttpServerOptions options, CancellationToken cancellationToken)
    {
        var address = await options.Endpoint.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "agent" });
        builder.Logging
            .AddProvider(new ForwardingLoggerProvider(options.LoggerFactory))
            .AddFilter("Microsoft", LogLevel.Warning)
            // ASP.NET Core starts an Activity and a log scope for every request while this category is enabled at any
            // level, even with nothing listening; above Information it only reports start-up failures, which reach
            // the caller as exceptions too.
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            .AddFilter("Grpc", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.AllowAlternateSchemes = true;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            Action<ListenOptions> listener = options.ConfigureListener ?? (_ => { });
            if (options.Tls is { } tls)
            {
                listener += listen => TlsListener.Apply(listen, tls);
            }

            options.ConfigureServer?.Invoke(kestrel);
            if (address is null)
            {
                kestrel.ListenAnyIP(options.Endpoint.Port, listener);
            }
            else
            {
                kestrel.Listen(address, options.Endpoint.Port, listener);
            }
        });
        options.Services?.Invoke(builder.Services);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

        var app = builder.Build();
        options.Handlers(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new EmbeddedHttpServer(app);
    }

    /// <summary>Stops listening and waits for in-flight requests until <paramref name="cancellationToken"/> fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(deadline.Token).ConfigureAwait(false);
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Hands Kestrel's loggers to the agent's factory, so they share its sinks and format.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
            // The agent owns the target factory.
        }
    }
}
