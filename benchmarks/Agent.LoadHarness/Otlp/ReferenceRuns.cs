using System.Globalization;
using System.Text;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// One OTLP scenario run <see cref="Rounds"/> times for a reference binary and for the agent, so that both see the
/// same minutes of a shared machine whose speed drifts: alternately (reference first), or <see cref="SideBySide"/>,
/// both at once on the same core, each with its own load generator and sink, so that both see the same seconds too.
/// The summary gives each one's CPU per run, their means, the mean of the per-round differences and the per-round
/// ratios, figures that drift less than either (the ratio is the one to read against a peer Collector). It also
/// gives each run's median call latency: on a host that switches between a fast and a slow mode, alternated runs
/// are comparable when their medians are alike.
/// </summary>
internal sealed record ReferenceRuns(AgentBinary Reference, int Rounds, bool SideBySide)
{
    public async Task<string> RunAsync(OtlpLoadSettings agent, Func<OtlpLoadSettings, Task<ResultTable>> scenario, Action<ResultTable> publish)
    {
        var reference = new Runs();
        var measured = new Runs();
        for (int round = 1; round <= Rounds; round++)
        {
            var both = new[] { (Settings: agent with { Agent = Reference }, Runs: reference), (Settings: agent, Runs: measured) };
            if (SideBySide)
            {
                await Console.Error.WriteLineAsync($"[harness] round {round} of {Rounds}: {Reference} and {agent.Agent} side by side").ConfigureAwait(false);
                var tables = await Task.WhenAll(both.Select(run => scenario(run.Settings))).ConfigureAwait(false);
                foreach (var (run, table) in both.Zip(tables))
                {
                    Record(table, run.Runs, publish);
                }

                continue;
            }

            foreach (var (settings, runs) in both)
            {
                await Console.Error.WriteLineAsync($"[harness] round {round} of {Rounds}: {settings.Agent}").ConfigureAwait(false);
                Record(await scenario(settings).ConfigureAwait(false), runs, publish);
            }
        }

        return Summary(agent.Agent, reference, measured);
    }

    private static void Record(ResultTable table, Runs runs, Action<ResultTable> publish)
    {
        publish(table);
        runs.Cpu.Add(table.Number(ResultTable.AgentCpu));
        runs.P50.Add(table.Number(ResultTable.CallP50));
    }

    private string Summary(AgentBinary agent, Runs reference, Runs measured)
    {
        var differences = measured.Cpu.Zip(reference.Cpu, (a, r) => a - r).ToList();
        var ratios = measured.Cpu.Zip(reference.Cpu, (a, r) => a / r).ToList();
        var text = new StringBuilder();
        text.AppendLine(SideBySide
            ? "Side by side: both binaries at once on the same core, each with its own load (the harness CPU column holds both loads)."
            : "Alternated: the reference's run first in every round.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| binary | {ResultTable.AgentCpu}, per round | mean | {ResultTable.CallP50}, per round |");
        text.AppendLine("|---|---|---:|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| reference ({Reference.Kind}): {Reference.Path} | {Join(reference.Cpu, "0.0")} | {reference.Cpu.Average():0.00} | {Join(reference.P50, "0.00")} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent: {agent.Path} | {Join(measured.Cpu, "0.0")} | {measured.Cpu.Average():0.00} | {Join(measured.P50, "0.00")} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent − reference (points) | {Join(differences, "0.0")} | {differences.Average():0.00} | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent ÷ reference | {Join(ratios, "0.00")} | {measured.Cpu.Average() / reference.Cpu.Average():0.00} (of the means) | |");
        return text.ToString();
    }

    private static string Join(List<double> values, string format) => string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>One binary's figures, a value per round.</summary>
    private sealed class Runs
    {
        public List<double> Cpu { get; } = [];

        public List<double> P50 { get; } = [];
    }
}
