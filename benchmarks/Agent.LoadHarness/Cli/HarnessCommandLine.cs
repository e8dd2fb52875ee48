using System.CommandLine;
using System.CommandLine.Parsing;
using Agent.Core.Config;
using Agent.LoadHarness.Logs;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Traces;

namespace Agent.LoadHarness.Cli;

/// <summary>The harness's commands: <c>traces</c> and <c>logs</c>, each printing one Markdown result row.</summary>
internal static class HarnessCommandLine
{
    private static readonly Option<string> AgentPath = new("--agent") { Description = "The published agent binary to measure.", Required = true };
    private static readonly Option<int?> AgentCpu = new("--agent-cpu") { Description = "Pin the agent to this CPU with taskset (the harness then keeps off it)." };
    private static readonly Option<string?> Output = new("--output") { Description = "Also append the result table to this Markdown file." };

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("End-to-end load harness: measures the published agent binary as a separate process.")
        {
            TracesCommand(args), LogsCommand(args),
        };
        return root.Parse(args).InvokeAsync();
    }

    private static Command TracesCommand(string[] args)
    {
        var mode = new Option<string>("--mode") { Description = "rate (paced to --rate) or max (as fast as the agent accepts).", DefaultValueFactory = _ => "rate" };
        mode.AcceptOnlyFromAmong("rate", "max");
        var rate = new Option<double>("--rate") { Description = "Spans per second in rate mode.", DefaultValueFactory = _ => 10_000 };
        var batch = new Option<int>("--batch") { Description = "Spans per export request.", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int?>("--concurrency") { Description = "Most export calls in flight (default 64 in rate mode, 256 in max mode)." };
        // 60 s: the agent's tiered JIT keeps hot encode/decode paths at tier 0 for well over 20 s under this load.
        var warmup = DurationOption("--warmup", "Load before the measured window.", "60s");
        var duration = DurationOption("--duration", "The measured window.", "20s");
        var idle = DurationOption("--idle", "Wait after the agent is ready before its idle RSS is read.", "5s");
        var compression = new Option<string>("--compression") { Description = "The agent's otlp exporter compression.", DefaultValueFactory = _ => "gzip" };
        compression.AcceptOnlyFromAmong("gzip", "none");
        var keep = new Option<bool>("--keep") { Description = "Keep the agent's config and log." };
        var noBatch = new Option<bool>("--no-batch") { Description = "Leave the batch processor out of the pipeline (to see what it costs)." };

        var command = new Command("traces", "OTLP gRPC in → batch → OTLP gRPC out to an in-process sink.")
        {
            AgentPath, AgentCpu, Output, mode, rate, batch, concurrency, warmup, duration, idle, compression, keep, noBatch,
        };
        command.SetAction(async (result, _) =>
        {
            bool max = result.GetValue(mode) == "max";
            var settings = new TracesSettings(
                result.GetValue(AgentPath)!,
                result.GetValue(AgentCpu),
                max ? null : result.GetValue(rate),
                result.GetValue(batch),
                result.GetValue(concurrency) ?? (max ? 256 : 64),
                ParseDuration(result.GetValue(warmup)!),
                ParseDuration(result.GetValue(duration)!),
                ParseDuration(result.GetValue(idle)!),
                result.GetValue(compression)!,
                !result.GetValue(noBatch),
                result.GetValue(keep));
            return await RunAsync(result, args, () => TracesScenario.RunAsync(settings)).ConfigureAwait(false);
        });
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

    private static Option<string> DurationOption(string name, string description, string fallback)
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

    private static TimeSpan ParseDuration(string text) => Durations.TryParse(text, out var value) ? value : throw new HarnessException($"\"{text}\" is not a duration");

    /// <summary>The command as typed, so a result row can be reproduced.</summary>
    private static string CommandLineText(string[] args) =>
        "Agent.LoadHarness " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
}
