using System.Runtime.InteropServices;
using System.Threading.Channels;
using Agent.Config;
using Agent.Service;
using Agent.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Cli;

/// <summary>
/// <c>agent run</c>: load the configuration, start, then wait: SIGTERM, SIGINT or SIGQUIT drain and exit 0, SIGHUP
/// reloads the configuration, SIGUSR1 and SIGUSR2 are logged and ignored (their default would kill the process).
/// </summary>
internal static class RunCommand
{
    // Linux numbers; PosixSignal names only the signals every platform shares, and takes others by raw value.
    private const PosixSignal SIGUSR1 = (PosixSignal)10;
    private const PosixSignal SIGUSR2 = (PosixSignal)12;

    public static async Task<int> ExecuteAsync(FileInfo? file, TimeSpan shutdownTimeout, string? dataDirectory)
    {
        Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions
        {
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });

        var source = new ConfigSource(file);
        (string Name, string Text) text;
        AgentConfig config;
        try
        {
            (text, config) = source.Load();
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            return 1;
        }

        string data = dataDirectory ?? ComponentHost.DefaultDataDirectoryFor(Environment.GetEnvironmentVariable);
        if (DirectoryPaths.Obstacle(data) is { } obstacle)
        {
            string option = dataDirectory is null ? "data directory (AGENT_DATA_DIR or the default)" : "--data-dir";
            await Console.Error.WriteLineAsync($"{option}: {obstacle}").ConfigureAwait(false);
            return 1;
        }

        using var loggerFactory = AgentLogging.Create(config.Telemetry.Logs);
        var logger = loggerFactory.CreateLogger("agent");
        using var stop = new CancellationTokenSource();
        var reloads = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
        bool hangupWasIgnored = InheritedSignals.TakeBackHangup();
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Reload);
        using var sigusr1 = PosixSignalRegistration.Create(SIGUSR1, Ignore);
        using var sigusr2 = PosixSignalRegistration.Create(SIGUSR2, Ignore);

        if (hangupWasIgnored)
        {
            logger.LogInformation("The agent was started with SIGHUP ignored; it takes SIGHUP back to reload its configuration");
        }

        await using var agent = new ReloadingAgent(source, data, shutdownTimeout, loggerFactory);
        try
        {
            await agent.StartAsync(text, config, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogCritical(ex, "Agent failed to start: {Error}", ex.Message);
            return 1;
        }

        try
        {
            while (true)
            {
                await reloads.Reader.ReadAsync(stop.Token).ConfigureAwait(false);
                if (!await agent.ReloadAsync(stop.Token).ConfigureAwait(false))
                {
                    return 1;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // A signal handler asked us to stop.
        }

        await agent.StopAsync().ConfigureAwait(false);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        void Reload(PosixSignalContext context)
        {
            context.Cancel = true;

            // Signals that come while a reload runs fold into one more reload after it, which reads the latest file.
            reloads.Writer.TryWrite(true);
        }

        void Ignore(PosixSignalContext context)
        {
            context.Cancel = true;
            logger.LogInformation("Received signal {Signal}; the agent does not use it and keeps running", context.Signal == SIGUSR1 ? "SIGUSR1" : "SIGUSR2");
        }
    }
}
