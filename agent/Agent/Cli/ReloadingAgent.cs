using Agent.Config;
using Agent.Service;
using Microsoft.Extensions.Logging;

namespace Agent.Cli;

/// <summary>
/// The running agent of <c>agent run</c> and its configuration reload on SIGHUP, as the Collector does it: the
/// file is read and validated again; a configuration with errors is refused and the running one goes on; the same
/// text again changes nothing; a changed one replaces only the components whose configuration (or whose downstream)
/// changed: those drain as on SIGTERM (nothing accepted is lost) and their replacements start, while every other
/// component keeps running untouched (see <see cref="AgentInstance.ReloadAsync"/>).
/// </summary>
internal sealed class ReloadingAgent(ConfigSource source, string dataDirectory, TimeSpan shutdownTimeout, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("agent");
    private (string Name, string Text) _running;
    private AgentInstance? _agent;

    public async Task StartAsync((string Name, string Text) text, AgentConfig config, CancellationToken cancellationToken)
    {
        _agent = await AgentInstance.StartAsync(config, loggerFactory, dataDirectory, shutdownTimeout, cancellationToken).ConfigureAwait(false);
        _running = text;
    }

    /// <summary>Reloads the configuration; false when neither the new nor the old one could be started again.</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        (string Name, string Text) text;
        AgentConfig config;
        try
        {
            (text, config) = source.Load();
        }
        catch (ConfigException ex)
        {
            _logger.LogError("Configuration reload refused, the running configuration stays: {Errors}", string.Join("; ", ex.Errors));
            return true;
        }

        if (text == _running)
        {
            _logger.LogInformation("Configuration reload: {Source} has not changed, nothing to do", text.Name);
            return true;
        }

        _logger.LogInformation("Configuration reload: {Source} changed; replacing the components whose configuration changed, the others keep running", text.Name);
        try
        {
            if (await _agent!.ReloadAsync(config, cancellationToken).ConfigureAwait(false))
            {
                _running = text;
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogCritical(ex, "Configuration reload: the previous configuration failed to start again: {Error}", ex.Message);
            return false;
        }
    }

    public async Task StopAsync()
    {
        if (_agent is not null)
        {
            await _agent.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
