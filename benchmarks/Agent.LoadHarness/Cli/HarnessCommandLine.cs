using System.CommandLine;
using System.CommandLine.Parsing;
using Agent.Core.Config;
using Agent.LoadHarness.Logs;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Metrics;
using Agent.LoadHarness.Otlp;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Scrape;
using Agent.LoadHarness.Traces;

namespace Agent.LoadHarness.Cli;

/// <summary>
/// The harness's commands: <c>traces</c>, <c>metrics</c>, <c>logs</c>, <c>idle-files</c> and <c>scrape</c>, each
/// printing one Markdown result row, and <c>table</c>, which runs several of them and sums them up against the goals.
/// </summary>
internal static class HarnessCommandLine
{
    internal static readonly Option<string> AgentPath = new("--agent") { Description = "The published agent binary to measure.", Required = true };
    internal static readonly Option<int?> AgentCpu = new("--agent-cpu") { Description = "Pin the agent to this CPU with taskset (the harness then keeps off it)." };
    internal static readonly Option<string?> Output = new("--output") { Description = "Also append the result table to this Markdown file." };

    public static Task<int> RunAsync(string[] args) => Root(new Invocation(args, null)).Parse(args).InvokeAsync();

    /// <summary>
    /// Runs one scenario command as typed, for the <c>table</c> command: its result tables in the order they were
    /// published (a reference's before the agent's), null when it failed (it said why).
    /// </summary>
    public static async Task<IReadOnlyList<ResultTable>?> RunScenarioAsync(string[] args)
    {
        var results = new List<ResultTable>();
        int exitCode = await Root(new Invocation(args, results)).Parse(args).InvokeAsync().ConfigureAwait(false);
        return exitCode == 0 ? results : null;
    }

    private static RootCommand Root(Invocation invocation) =>
        new("End-to-end load harness: measures the published agent binary as a separate process.")
        {
            TracesCommand(invocation), MetricsCommand(invocation), LogsCommand(invocation), IdleFilesCommand(invocation),
            ScrapeCommand(invocation), TableCommand.Create(),
        };

    private static Command TracesCommand(Invocation invocation)
    {
        var load = new OtlpLoadOptions("spans", defaultRate: 10_000, defaultBatch: 100);
        var compression = new Option<string>("--compression") { Description = "The agent's otlp exporter compression.", DefaultValueFactory = _ => "gzip" };
        compression.AcceptOnlyFromAmong("gzip", "none");
        var noBatch = new Option<bool>("--no-batch") { Description = "Leave the batch processor out of the pipeline (to see what it costs)." };

        var command = new Command("traces", "OTLP gRPC in → batch → OTLP gRPC out to an in-process sink.") { compression, noBatch };
        load.AddTo(command);
        command.SetAction(async (result, _) =>
            await RunOtlpAsync(result, invocation, load, settings => TracesScenario.RunAsync(settings, result.GetValue(compression)!, !result.GetValue(noBatch))).ConfigureAwait(false));
        return command;
    }

    private static Command MetricsCommand(Invocation invocation)
    {
        var load = new OtlpLoadOptions("points", defaultRate: 10_000, defaultBatch: 100);
        var export = new Option<string>("--export")
        {
            Description = "The agent's exporter: prometheusremotewrite to a remote-write sink, or otlp. A peer Collector (built without remote-write) always runs otlp, as in the table.",
            DefaultValueFactory = _ => MetricsScenario.RemoteWrite,
        };
        export.AcceptOnlyFromAmong(MetricsScenario.RemoteWrite, MetricsScenario.Otlp);

        var command = new Command("metrics", "OTLP gRPC metric points in → batch → remote-write (or OTLP) out to an in-process sink.") { export };
        load.AddTo(command);
        command.SetAction(async (result, _) =>
            await RunOtlpAsync(result, invocation, load, settings =>
                MetricsScenario.RunAsync(settings, settings.Agent.IsCollector ? MetricsScenario.Otlp : result.GetValue(export)!)).ConfigureAwait(false));
        return command;
    }

    private static Command LogsCommand(Invocation invocation)
    {
        var lines = new Option<long>("--lines") { Description = "Lines written before the agent starts.", DefaultValueFactory = _ => 2_000_000 };
        var pods = new Option<int>("--pods") { Description = "Pods (one container, one file each) the lines are spread over.", DefaultValueFactory = _ => 20 };
        var lineBytes = new Option<int>("--line-bytes") { Description = "Length of each CRI line, newline included.", DefaultValueFactory = _ => 200 };
        var timeout = DurationOption("--timeout", "Give up when not every line has reached the sink by then.", "300s");
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary pod log tree and the agent's config and log." };
        var fluentBit = new Option<bool>("--fluent-bit")
        {
            Description = "The --agent binary is Fluent Bit (a peer): run it with tail (CRI parser) → loki on the same files and sink.",
        };

        var command = new Command("logs", "Pod log files (CRI) → filelog → batch → loki to an in-process Loki sink.")
        {
            AgentPath, AgentCpu, Output, fluentBit, lines, pods, lineBytes, timeout, keep,
        };
        command.SetAction(async (result, _) =>
        {
            var settings = new LogsSettings(
                new AgentBinary(result.GetValue(AgentPath)!, result.GetValue(fluentBit) ? AgentBinary.FluentBitKind : AgentBinary.AgentKind),
                result.GetValue(AgentCpu),
                result.GetValue(lines),
                result.GetValue(pods),
                result.GetValue(lineBytes),
                ParseDuration(result.GetValue(timeout)!),
                result.GetValue(keep));
            return await RunAsync(result, invocation, () => LogsScenario.RunAsync(settings)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command IdleFilesCommand(Invocation invocation)
    {
        var files = new Option<int>("--files") { Description = "Pod log files under the include glob, written before the agent starts.", DefaultValueFactory = _ => 2000 };
        var settle = DurationOption("--settle", "Wait after the agent is ready before the idle window.", "15s");
        var window = DurationOption("--window", "The idle window in which no file changes.", "60s");
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary pod log tree and the agent's config and log." };

        var command = new Command("idle-files", "Many unchanging pod log files → filelog (start_at end) → batch → loki: the cost of watching them.")
        {
            AgentPath, AgentCpu, Output, files, settle, window, keep,
        };
        command.SetAction(async (result, _) =>
        {
            var settings = new IdleFilesSettings(
                new AgentBinary(result.GetValue(AgentPath)!, AgentBinary.AgentKind),
                result.GetValue(AgentCpu),
                result.GetValue(files),
                ParseDuration(result.GetValue(settle)!),
                ParseDuration(result.GetValue(window)!),
                result.GetValue(keep));
            return await RunAsync(result, invocation, () => IdleFilesScenario.RunAsync(settings)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command ScrapeCommand(Invocation invocation)
    {
        var targets = new Option<int>("--targets") { Description = "Scrape targets, each on its own loopback port.", DefaultValueFactory = _ => 100 };
        var series = new Option<int>("--series") { Description = "Samples each target serves (node_exporter-sized by default).", DefaultValueFactory = _ => 1500 };
        var interval = DurationOption("--interval", "The scrape interval; the CPU is also reported as at 15 s.", "15s");
        var warmup = new Option<int>("--warmup-intervals") { Description = "Intervals scraped before the measured window.", DefaultValueFactory = _ => 4 };
        var measured = new Option<int>("--intervals") { Description = "Intervals in the measured window.", DefaultValueFactory = _ => 4 };
        var keep = new Option<bool>("--keep") { Description = "Keep the agent's config and log." };

        var command = new Command("scrape", "Many Prometheus targets → prometheus receiver → batch → remote-write to an in-process sink.")
        {
            AgentPath, AgentCpu, Output, targets, series, interval, warmup, measured, keep,
        };
        command.SetAction(async (result, _) =>
        {
            var settings = new ScrapeSettings(
                new AgentBinary(result.GetValue(AgentPath)!, AgentBinary.AgentKind),
                result.GetValue(AgentCpu),
                result.GetValue(targets),
                result.GetValue(series),
                ParseDuration(result.GetValue(interval)!),
                result.GetValue(warmup),
                Math.Max(1, result.GetValue(measured)),
                result.GetValue(keep));
            return await RunAsync(result, invocation, () => ScrapeScenario.RunAsync(settings)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>An OTLP scenario once, or with --reference for both binaries (alternately or side by side) and a summary of their CPU.</summary>
    private static Task<int> RunOtlpAsync(ParseResult result, Invocation invocation, OtlpLoadOptions load, Func<OtlpLoadSettings, Task<ResultTable>> scenario) =>
        GuardAsync(result, async () =>
        {
            if (load.Comparison(result) is not { } comparison)
            {
                Publish(result, invocation, await scenario(load.Settings(result)).ConfigureAwait(false));
                return;
            }

            string summary = await comparison.RunAsync(load.Settings(result), scenario, table => Publish(result, invocation, table)).ConfigureAwait(false);
            Console.WriteLine();
            Console.Write(summary);
            if (result.GetValue(Output) is { } output)
            {
                await File.AppendAllTextAsync(output, summary + Environment.NewLine).ConfigureAwait(false);
            }
        });

    private static Task<int> RunAsync(ParseResult result, Invocation invocation, Func<Task<ResultTable>> scenario) =>
        GuardAsync(result, async () => Publish(result, invocation, await scenario().ConfigureAwait(false)));

    private static void Publish(ParseResult result, Invocation invocation, ResultTable table)
    {
        table.Publish(CommandLineText(invocation.Args), result.GetValue(Output));
        invocation.Results?.Add(table);
    }

    /// <summary>Checks the agent binary, keeps the harness off the agent's CPU, runs; a harness error is one line and exit code 1.</summary>
    private static async Task<int> GuardAsync(ParseResult result, Func<Task> run)
    {
        try
        {
            string agent = result.GetValue(AgentPath)!;
            if (!File.Exists(agent))
            {
                throw new HarnessException($"--agent: {agent} does not exist (publish it with: dotnet publish agent/Agent -c Release -o <dir>)");
            }

            if (result.GetValue(AgentCpu) is int cpu)
            {
                await Console.Error.WriteLineAsync($"[harness] {CpuAffinity.KeepHarnessOff(cpu)}").ConfigureAwait(false);
            }

            await run().ConfigureAwait(false);
            return 0;
        }
        catch (HarnessException ex)
        {
            await Console.Error.WriteLineAsync($"[harness] failed: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    internal static Option<string> DurationOption(string name, string description, string fallback)
    {
        var option = new Option<string>(name) { Description = $"{description} (a duration such as {fallback})", DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            if (!Durations.TryParse(result.GetValueOrDefault<string>() ?? string.Empty, out var value) || value < TimeSpan.Zero)
            {
                result.AddError($"{name}: \"{result.GetValueOrDefault<string>()}\" is not a duration such as {fallback}");
            }
        });
        return option;
    }

    internal static TimeSpan ParseDuration(string text) => Durations.TryParse(text, out var value) ? value : throw new HarnessException($"\"{text}\" is not a duration");

    /// <summary>The command as typed, so a result row can be reproduced.</summary>
    internal static string CommandLineText(IEnumerable<string> args) =>
        "Agent.LoadHarness " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    /// <summary>The arguments a command was parsed from and, for the <c>table</c> command, where its result goes.</summary>
    private sealed record Invocation(string[] Args, List<ResultTable>? Results);
}
