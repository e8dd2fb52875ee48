using System.Runtime.InteropServices;
using Agent.Config;
using Agent.Service;
using Agent.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Cli;

/// <summary><c>agent run</c>: load the configuration, start, wait for SIGTERM/SIGINT, drain, exit 0.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(FileInfo? file, TimeSpan shutdownTimeout, string? dataDirectory)
    {
        Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions
        {
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });

        AgentConfig config;
        try
        {
            var loader = new ConfigLoader(ComponentRegistry.BuiltIn);
            if (file is null)
            {
                var (name, yaml) = DefaultConfig.For(Environment.GetEnvironmentVariable, File.Exists);
                config = loader.Load(name, yaml);
            }
            else
            {
                config = loader.LoadFile(file.FullName);
            }
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
            }

            return 1;
        }

        using var loggerFactory = AgentLogging.Create(config.Telemetry.Logs);
        var logger = loggerFactory.CreateLogger("agent");
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);

        AgentInstance agent;
        try
        {
            string data = dataDirectory ?? ComponentHost.DefaultDataDirectoryFor(Environment.GetEnvironmentVariable);
            agent = await AgentInstance.StartAsync(config, loggerFactory, data, shutdownTimeout, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogCritical(ex, "Agent failed to start: {Error}", ex.Message);
            return 1;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The signal handler asked us to stop.
        }

        await agent.StopAsync().ConfigureAwait(false);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
