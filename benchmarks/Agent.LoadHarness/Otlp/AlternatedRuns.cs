using System.Globalization;
using System.Text;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// One OTLP scenario run alternately for a reference binary and the agent (reference first, <see cref="Rounds"/>
/// times each), so that both see the same minutes of a shared machine whose speed drifts; the summary gives each
/// one's CPU per run, their means and the mean of the per-round differences, a figure that drifts less than either.
/// </summary>
internal sealed record AlternatedRuns(AgentBinary Reference, int Rounds)
{
    public async Task<string> RunAsync(OtlpLoadSettings agent, Func<OtlpLoadSettings, Task<ResultTable>> scenario, Action<ResultTable> publish)
    {
        var referenceCpu = new List<double>();
        var agentCpu = new List<double>();
        for (int round = 1; round <= Rounds; round++)
        {
            foreach (var (settings, cpu) in new[] { (agent with { Agent = Reference }, referenceCpu), (agent, agentCpu) })
            {
                await Console.Error.WriteLineAsync($"[harness] round {round} of {Rounds}: {settings.Agent}").ConfigureAwait(false);
                var table = await scenario(settings).ConfigureAwait(false);
                publish(table);
                cpu.Add(table.Number(ResultTable.AgentCpu));
            }
        }

        return Summary(agent.Agent, referenceCpu, agentCpu);
    }

    private string Summary(AgentBinary agent, List<double> referenceCpu, List<double> agentCpu)
    {
        var differences = agentCpu.Zip(referenceCpu, (a, r) => a - r).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| binary | {ResultTable.AgentCpu}, per round | mean |");
        text.AppendLine("|---|---|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| reference: {Reference.Path} | {Join(referenceCpu)} | {referenceCpu.Average():0.00} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent: {agent.Path} | {Join(agentCpu)} | {agentCpu.Average():0.00} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| agent − reference (points) | {Join(differences)} | {differences.Average():0.00} |");
        return text.ToString();
    }

    private static string Join(List<double> values) => string.Join(", ", values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
}
