using Agent.Config;
using Agent.Core.Components;
using Agent.Http;
using Agent.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>
/// One running agent: its topology, its self-telemetry server and its health, from start to drained stop. A
/// configuration reload replaces only the components whose configuration changed (see <see cref="ReloadAsync"/>).
/// </summary>
internal sealed class AgentInstance : IAsyncDisposable
{
    private readonly ComponentHost _host;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeSpan _shutdownTimeout;
    private readonly IdleMemoryTrimmer _trimmer;
    private AgentConfig _config;
    private Topology _topology;
    private EmbeddedHttpServer? _telemetry;
    private int _stopped;

    private AgentInstance(AgentConfig config, Topology topology, EmbeddedHttpServer? telemetry, ComponentHost host, AgentHealth health, PrometheusTelemetryRegistry metrics, ILoggerFactory loggerFactory, TimeSpan shutdownTimeout)
    {
        _config = config;
        _topology = topology;
        _host = host;
        Metrics = metrics;
        _telemetry = telemetry;
        Health = health;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("agent");
        _shutdownTimeout = shutdownTimeout;
        _trimmer = new IdleMemoryTrimmer(_logger, TimeProvider.System);
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
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("agent");
        var health = new AgentHealth();
        var metrics = new PrometheusTelemetryRegistry();
        var host = new ComponentHost(loggerFactory, dataDirectory, health, metrics);
        var topology = Topology.Build(config, host, logger);
        var telemetry = await StartTelemetryAsync(config, metrics, health, loggerFactory, cancellationToken).ConfigureAwait(false);
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

        // Before ready: whoever sees the agent ready sees it at its running size.
        StartupPageRelease.ReleaseOwnExecutable(logger);
        health.Set(AgentState.Ready);
        logger.LogInformation(
            "Agent started from {Source}: {Pipelines} pipelines, telemetry on {Telemetry}",
            config.Source,
            string.Join(", ", config.Pipelines.Select(p => p.Id.ToString())),
            telemetry is null ? "(off)" : string.Join(", ", telemetry.EndPoints));
        return new AgentInstance(config, topology, telemetry, host, health, metrics, loggerFactory, shutdownTimeout);
    }

    /// <summary>
    /// Switches to <paramref name="config"/>, keeping every component whose configuration and downstream did not
    /// change running (see <see cref="Topology.TakeOverAsync"/>); the agent stays ready throughout. True when the
    /// new configuration runs; false when it failed to start and the previous one runs again (logged). Throws
    /// when the previous one cannot be started again either.
    /// </summary>
    public async Task<bool> ReloadAsync(AgentConfig config, CancellationToken cancellationToken)
    {
        var (previousConfig, running) = (_config, _topology);
        Topology next;
        try
        {
            await ReplaceTelemetryAsync(previousConfig, config, cancellationToken).ConfigureAwait(false);
            _host.ForgetShared(ChangedComponents(previousConfig, config));
            next = Topology.Build(config, _host, _logger, running);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing was stopped or started: the running topology goes on as it was.
            _logger.LogError(ex, "Configuration reload: the new configuration cannot be set up ({Error}); the running one stays", ex.Message);
            running.RegisterExtensions(_host);
            await ReplaceTelemetryAsync(config, previousConfig, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var failure = await SwitchAsync(running, next, config).ConfigureAwait(false);
        if (failure is null)
        {
            return true;
        }

        _logger.LogError(failure, "Configuration reload: the new configuration failed to start ({Error}); starting the previous one again", failure.Message);
        await ReplaceTelemetryAsync(config, previousConfig, cancellationToken).ConfigureAwait(false);
        _host.ForgetShared(ChangedComponents(config, previousConfig));
        var restoreFailure = await SwitchAsync(next, Topology.Build(previousConfig, _host, _logger, next), previousConfig).ConfigureAwait(false);
        if (restoreFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(restoreFailure);
        }

        return false;
    }

    /// <summary>Switches from <paramref name="running"/> to <paramref name="next"/>, built over it; the start failure, if any.</summary>
    private async Task<Exception?> SwitchAsync(Topology running, Topology next, AgentConfig config)
    {
        // From here on a stop shuts down the new topology: everything of the old one not kept is stopped by the switch.
        _topology = next;
        _config = config;
        try
        {
            var summary = await next.TakeOverAsync(running, _shutdownTimeout).ConfigureAwait(false);
            _logger.LogInformation(
                "Configuration reload applied from {Source}: {Kept} components kept running, {Stopped} stopped, {Started} started; pipelines {Pipelines}",
                config.Source, summary.Kept, summary.Stopped, summary.Started, string.Join(", ", config.Pipelines.Select(p => p.Id.ToString())));
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Component ids whose own configuration differs (or that are gone): their shared state must not be reused.</summary>
    private static IEnumerable<ComponentId> ChangedComponents(AgentConfig from, AgentConfig to) =>
        Enum.GetValues<ComponentKind>()
            .SelectMany(kind => from.Section(kind).Values.Where(c => !to.Section(kind).TryGetValue(c.Id, out var now) ||
                now.Factory.Type != c.Factory.Type || now.Fingerprint != c.Fingerprint))
            .Select(c => c.Id)
            .Distinct();

    private async Task ReplaceTelemetryAsync(AgentConfig from, AgentConfig to, CancellationToken cancellationToken)
    {
        var (before, after) = (from.Telemetry.Metrics, to.Telemetry.Metrics);
        if (before.Level == after.Level && before.Address == after.Address)
        {
            return;
        }

        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync().ConfigureAwait(false);
            _telemetry = null;
        }

        _telemetry = await StartTelemetryAsync(to, Metrics, Health, _loggerFactory, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EmbeddedHttpServer?> StartTelemetryAsync(
        AgentConfig config, PrometheusTelemetryRegistry metrics, AgentHealth health, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        config.Telemetry.Metrics.Level == "none"
            ? null
            : await TelemetryServer.StartAsync(ListenEndpoint.Parse(config.Telemetry.Metrics.Address), metrics, health, loggerFactory, cancellationToken).ConfigureAwait(false);

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
