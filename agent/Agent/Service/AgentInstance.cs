using Agent.Config;
using Agent.Http;
using Agent.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>One running agent: its topology, its self-telemetry server and its health, from start to drained stop.</summary>
internal sealed class AgentInstance : IAsyncDisposable
{
    private readonly Topology _topology;
    private readonly EmbeddedHttpServer? _telemetry;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownTimeout;
    private readonly IdleMemoryTrimmer _trimmer;
    private int _stopped;

    private AgentInstance(Topology topology, EmbeddedHttpServer? telemetry, AgentHealth health, PrometheusTelemetryRegistry metrics, ILogger logger, TimeSpan shutdownTimeout)
    {
        _topology = topology;
        Metrics = metrics;
        _telemetry = telemetry;
        Health = health;
        _logger = logger;
        _shutdownTimeout = shutdownTimeout;
        _trimmer = new IdleMemoryTrimmer(logger, TimeProvider.System);
    }

    public AgentHealth Health { get; }

    /// <summary>The agent's own metrics, kept across a configuration reload.</summary>
    public PrometheusTelemetryRegistry Metrics { get; }

    public Topology Topology => _topology;

    /// <summary>The port of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>; null when the level is none.</summary>
    public int? TelemetryPort => _telemetry?.Port;

    public static async Task<AgentInstance> StartAsync(
        AgentConfig config,
        ILoggerFactory loggerFactory,
        string dataDirectory,
        TimeSpan shutdownTimeout,
        CancellationToken cancellationToken,
        PrometheusTelemetryRegistry? metrics = null)
    {
        var logger = loggerFactory.CreateLogger("agent");
        var health = new AgentHealth();

        // A reload passes the running registry on, so the agent's counters go on rather than restart from zero.
        metrics ??= new PrometheusTelemetryRegistry();
        var host = new ComponentHost(loggerFactory, dataDirectory, health, metrics);
        var topology = Topology.Build(config, host, logger);
        EmbeddedHttpServer? telemetry = null;
        if (config.Telemetry.Metrics.Level != "none")
        {
            telemetry = await TelemetryServer.StartAsync(ListenEndpoint.Parse(config.Telemetry.Metrics.Address), metrics, health, loggerFactory, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await topology.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            health.Set(AgentState.Failed);
            if (telemetry is not null)
            {
                await telemetry.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        health.Set(AgentState.Ready);
        logger.LogInformation(
            "Agent started from {Source}: {Pipelines} pipelines, telemetry on {Telemetry}",
            config.Source,
            string.Join(", ", config.Pipelines.Select(p => p.Id.ToString())),
            telemetry is null ? "(off)" : string.Join(", ", telemetry.EndPoints));
        return new AgentInstance(topology, telemetry, health, metrics, logger, shutdownTimeout);
    }

    /// <summary>Stops taking data, drains what was accepted within the shutdown timeout, then stops serving telemetry.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Health.Set(AgentState.Stopping);
        _logger.LogInformation("Agent stopping: draining for up to {Timeout}", _shutdownTimeout);
        _trimmer.Dispose();
        await _topology.ShutdownAsync(_shutdownTimeout).ConfigureAwait(false);
        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync().ConfigureAwait(false);
        }

        _logger.LogInformation("Agent stopped");
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
