using System.CommandLine;
using Agent.Config;
using Agent.Core.Config;

namespace Agent.Cli;

/// <summary>The <c>agent</c> command line: run, validate, components, version.</summary>
internal static class AgentCommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "The configuration file (YAML, the Collector's shape). Without it, run uses the embedded default." };
        var requiredConfig = new Option<FileInfo>("--config", "-c") { Description = "The configuration file to check.", Required = true };
        var shutdownTimeout = new Option<string>("--shutdown-timeout")
        {
            Description = "How long SIGTERM/Ctrl-C waits for accepted data to be delivered before exiting (e.g. 25s).",
            DefaultValueFactory = _ => "25s",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where state lives when no file_storage is named (default: AGENT_DATA_DIR, /var/lib/agent as root, else ~/.local/state/agent)." };

        var run = new Command("run", "Run the pipelines until SIGTERM or Ctrl-C, then drain and exit 0.") { config, shutdownTimeout, dataDir };
        run.SetAction(async (result, cancellationToken) =>
        {
            if (!Durations.TryParse(result.GetValue(shutdownTimeout)!, out var drain) || drain < TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"--shutdown-timeout: \"{result.GetValue(shutdownTimeout)}\" is not a duration such as 25s").ConfigureAwait(false);
                return 2;
            }

            return await RunCommand.ExecuteAsync(result.GetValue(config), drain, result.GetValue(dataDir)).ConfigureAwait(false);
        });

        var validate = new Command("validate", "Load and check a configuration without starting anything; exit 0 or print every error.") { requiredConfig };
        validate.SetAction(result => ValidateCommand.Execute(result.GetValue(requiredConfig)!));

        var components = new Command("components", "List the component types, their stability and the signals they handle.");
        components.SetAction(_ => ComponentsCommand.Execute());

        var version = new Command("version", "Print the agent's version, its runtime and the GC settings in effect.");
        version.SetAction(_ =>
        {
            Console.WriteLine($"agent {AgentVersion.Current}");
            Console.WriteLine(RuntimeSettings.RuntimeLine());
            Console.WriteLine(RuntimeSettings.GcLine());
            return 0;
        });

        var root = new RootCommand("A node telemetry agent: logs, metrics and traces from receivers through processors to exporters.")
        {
            run, validate, components, version,
        };

        // Signals are handled by the run command itself, which needs longer than a fixed grace period to drain.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
