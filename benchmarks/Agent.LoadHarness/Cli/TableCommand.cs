using System.CommandLine;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Table;

namespace Agent.LoadHarness.Cli;

/// <summary>The <c>table</c> command: every row of issue 7's table in one run, agent and peers on the same load.</summary>
internal static class TableCommand
{
    public static Command Create()
    {
        var collector = new Option<string?>("--collector-binary") { Description = "The peer OpenTelemetry Collector for the OTLP rows (left out: those peer cells say so)." };
        var fluentBit = new Option<string?>("--fluent-bit-binary") { Description = "The peer Fluent Bit for the pod-logs rows (left out: those peer cells say so)." };
        var quick = new Option<bool>("--quick") { Description = "Shortened windows and 200,000 log lines: a smoke run of the whole table in a few minutes." };
        var sideBySide = new Option<bool>("--side-by-side")
        {
            Description = "Run the paced CPU rows (10k spans/s, OTLP metrics) with the agent and the Collector at once on the same core, so that their ratio does not depend on the mode the host was in for each.",
        };
        var command = new Command("table", "Runs every row of the issue's table for the agent and its peers and prints one Markdown table with the commands.")
        {
            HarnessCommandLine.AgentPath, HarnessCommandLine.AgentCpu, HarnessCommandLine.Output, collector, fluentBit, quick, sideBySide,
        };
        command.SetAction(async (result, cancel) =>
        {
            var settings = new TableSettings(
                result.GetValue(HarnessCommandLine.AgentPath)!,
                result.GetValue(HarnessCommandLine.AgentCpu),
                result.GetValue(collector),
                result.GetValue(fluentBit),
                result.GetValue(quick),
                result.GetValue(sideBySide));
            if (!File.Exists(settings.Agent))
            {
                await Console.Error.WriteLineAsync($"[harness] failed: --agent: {settings.Agent} does not exist").ConfigureAwait(false);
                return 1;
            }

            if (settings.AgentCpu is int cpu)
            {
                await Console.Error.WriteLineAsync($"[harness] {CpuAffinity.KeepHarnessOff(cpu)}").ConfigureAwait(false);
            }

            string markdown = await TableRunner.RunAsync(settings).ConfigureAwait(false);
            Console.WriteLine();
            Console.Write(markdown);
            if (result.GetValue(HarnessCommandLine.Output) is string output)
            {
                await File.AppendAllTextAsync(output, markdown + Environment.NewLine, cancel).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
