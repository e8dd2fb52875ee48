using System.Globalization;
using System.Text;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// One OTLP scenario run alternately for a reference binary and the agent (reference first, <see cref="Rounds"/>
/// times each), so that both see the same minutes of a shared machine whose speed drifts; the summary gives each
/// one's CPU per run, their means and the mean of the per-round differences, a figure that drifts less than either.
/// It also gives each run's median call latency: on a host that switches between a fast and a slow mode, the two
/// runs of a round are comparable when their medians are alike.
/// </summary>
internal sealed record AlternatedRuns(AgentBinary Reference, int Rounds)
{
    public async Task<string> RunAsync(OtlpLoadSettings agent, Func<OtlpLoadSettings, Task<ResultTable>> scenario, Action<ResultTable> publish)
    {
        var reference = new Runs();
        var measured = new Runs();
        for (int round = 1; round <= Rounds; round++)
        {
            foreach (var (settings, runs) in new[] { (agent with { Agent = Reference }, reference), (agent, measured) })
            {
                await Console.Error.WriteLineAsync($"[harness] round {round} of {Rounds}: {settings.Agent}").ConfigureAwait(false);
                var table = await scenario(settings).ConfigureAwait(false);
                publish(table);
                runs.Cpu.Add(table.Number(ResultTable.AgentCpu));
                runs.P50.Add(table.Number(ResultTable.CallP50));
            }
        }

        return Summary(agent.Agent, reference, measured);
    }

    private string Summary(AgentBinary agent, Runs reference, Runs measured)
    {
        var differences = measured.Cpu.Zip(reference.Cpu, (a, r) => a - r).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| binary | {ResultTable.AgentCpu}, per round | mean | {ResultTable.CallP50}, per round |");
        text.AppendLine("|---|---|---:|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| reference: {Reference.Path} | {Join(reference.Cpu, "0.0")} | {reference.Cpu.Average():0.00} | {Join(reference.P50, "0.00")} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent: {agent.Path} | {Join(measured.Cpu, "0.0")} | {measured.Cpu.Average():0.00} | {Join(measured.P50, "0.00")} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent − reference (points) | {Join(differences, "0.0")} | {differences.Average():0.00} | |");
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
