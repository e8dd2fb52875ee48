using System.CommandLine;
using System.CommandLine.Parsing;
using Agent.Core.Config;
using Agent.LoadHarness.Logs;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Metrics;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Scrape;
using Agent.LoadHarness.Traces;

namespace Agent.LoadHarness.Cli;

/// <summary>The harness's commands: <c>traces</c>, <c>metrics</c>, <c>logs</c> and <c>scrape</c>, each printing one Markdown result row.</summary>
internal static class HarnessCommandLine
{
    internal static readonly Option<string> AgentPath = new("--agent") { Description = "The published agent binary to measure.", Required = true };
    internal static readonly Option<int?> AgentCpu = new("--agent-cpu") { Description = "Pin the agent to this CPU with taskset (the harness then keeps off it)." };
    internal static readonly Option<string?> Output = new("--output") { Description = "Also append the result table to this Markdown file." };

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("End-to-end load harness: measures the published agent binary as a separate process.")
        {
            TracesCommand(args), MetricsCommand(args), LogsCommand(args), ScrapeCommand(args),
        };
        return root.Parse(args).InvokeAsync();
    }

    private static Command TracesCommand(string[] args)
    {
        var load = new OtlpLoadOptions("spans", defaultRate: 10_000, defaultBatch: 100);
        var compression = new Option<string>("--compression") { Description = "The agent's otlp exporter compression.", DefaultValueFactory = _ => "gzip" };
        compression.AcceptOnlyFromAmong("gzip", "none");
        var noBatch = new Option<bool>("--no-batch") { Description = "Leave the batch processor out of the pipeline (to see what it costs)." };

        var command = new Command("traces", "OTLP gRPC in → batch → OTLP gRPC out to an in-process sink.") { compression, noBatch };
        load.AddTo(command);
        command.SetAction(async (result, _) =>
            await RunAsync(result, args, () => TracesScenario.RunAsync(load.Settings(result), result.GetValue(compression)!, !result.GetValue(noBatch))).ConfigureAwait(false));
        return command;
    }

    private static Command MetricsCommand(string[] args)
    {
        var load = new OtlpLoadOptions("points", defaultRate: 10_000, defaultBatch: 100);
        var export = new Option<string>("--export")
        {
            Description = "The agent's exporter: prometheusremotewrite to a remote-write sink, or otlp (what a Collector without remote-write can run).",
            DefaultValueFactory = _ => MetricsScenario.RemoteWrite,
        };
        export.AcceptOnlyFromAmong(MetricsScenario.RemoteWrite, MetricsScenario.Otlp);

        var command = new Command("metrics", "OTLP gRPC metric points in → batch → remote-write (or OTLP) out to an in-process sink.") { export };
        load.AddTo(command);
        command.SetAction(async (result, _) =>
            await RunAsync(result, args, () => MetricsScenario.RunAsync(load.Settings(result), result.GetValue(export)!)).ConfigureAwait(false));
        return command;
    }

    private static Command LogsCommand(string[] args)
    {
        var lines = new Option<long>("--lines") { Description = "Lines written before the agent starts.", DefaultValueFactory = _ => 2_000_000 };
        var pods = new Option<int>("--pods") { Description = "Pods (one container, one file each) the lines are spread over.", DefaultValueFactory = _ => 20 };
        var lineBytes = new Option<int>("--line-bytes") { Description = "Length of each CRI line, newline included.", DefaultValueFactory = _ => 200 };
        var timeout = DurationOption("--timeout", "Give up when not every line has reached the sink by then.", "300s");
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary pod log tree and the agent's config and log." };

        var command = new Command("logs", "Pod log files (CRI) → filelog → batch → loki to an in-process Loki sink.")
        {
            AgentPath, AgentCpu, Output, lines, pods, lineBytes, timeout, keep,
        };
        command.SetAction(async (result, _) =>
        {
            var settings = new LogsSettings(
                result.GetValue(AgentPath)!,
                result.GetValue(AgentCpu),
                result.GetValue(lines),
                result.GetValue(pods),
                result.GetValue(lineBytes),
                ParseDuration(result.GetValue(timeout)!),
                result.GetValue(keep));
            return await RunAsync(result, args, () => LogsScenario.RunAsync(settings)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command ScrapeCommand(string[] args)
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
            return await RunAsync(result, args, () => ScrapeScenario.RunAsync(settings)).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, string[] args, Func<Task<ResultTable>> scenario)
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

            var table = await scenario().ConfigureAwait(false);
            table.Publish(CommandLineText(args), result.GetValue(Output));
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
    private static string CommandLineText(string[] args) =>
        "Agent.LoadHarness " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
}
