using System.Net;
using Agent.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Otlp;

/// <summary>
/// One Kestrel server on one endpoint, hosted inside the agent: logs go to the agent's logger factory (Kestrel's
/// and gRPC's own chatter only from Warning up), no console lifetime (the agent, not this host, reacts to
/// signals), and stopping waits for in-flight requests as long as the caller's token allows.
/// </summary>
internal static class OtlpServerHost
{
    public static async Task<WebApplication> StartAsync(
        ListenEndpoint endpoint,
        Action<ListenOptions> configureListener,
        long? maxRequestBodySize,
        ILoggerFactory loggerFactory,
        Action<IServiceCollection> addServices,
        Action<WebApplication> addHandlers,
        CancellationToken cancellationToken)
    {
        var address = await endpoint.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "agent" });
        builder.Logging
            .AddProvider(new ForwardingLoggerProvider(loggerFactory))
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.AllowAlternateSchemes = true;
            options.Limits.MaxRequestBodySize = maxRequestBodySize;
            if (address is null)
            {
                options.ListenAnyIP(endpoint.Port, configureListener);
            }
            else
            {
                options.Listen(address, endpoint.Port, configureListener);
            }
        });
        addServices(builder.Services);

        var app = builder.Build();
        addHandlers(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return app;
    }

    /// <summary>The addresses actually bound (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<IPEndPoint> BoundEndPoints(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses
            .Select(text => new Uri(text))
            .Select(uri => new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port))
            .ToList();
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
