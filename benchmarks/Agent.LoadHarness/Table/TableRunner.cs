using Agent.LoadHarness.Cli;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Table;

/// <summary>
/// Runs every scenario behind the table for the agent and, where one exists, for its peer, each through the
/// same command line a user would type, then sums them up. A failed or missing peer leaves the agent's rows standing.
/// </summary>
internal static class TableRunner
{
    private const string Failed = "failed (its error is above)";

    public static async Task<string> RunAsync(TableSettings settings)
    {
        string loadBefore = LoadAverage.All();
        var pairs = new Dictionary<ScenarioRun, RunPair>();
        foreach (var run in Enum.GetValues<ScenarioRun>())
        {
            if (ScenarioRuns.SideBySide(run, settings) is string[] both && File.Exists(settings.Collector))
            {
                pairs[run] = await RunSideBySideAsync(both).ConfigureAwait(false);
                continue;
            }

            var agent = await RunAsync(ScenarioRuns.Agent(run, settings)).ConfigureAwait(false);
            var peer = ScenarioRuns.Peer(run, settings) is string[] peerArgs
                ? await RunPeerAsync(peerArgs, ScenarioRuns.PeerBinary(run, settings)!).ConfigureAwait(false)
                : RunOutcome.NotRun(run == ScenarioRun.IdleFiles ? "no peer" : $"not run (no {ScenarioRuns.PeerOption(run)})");
            pairs[run] = new RunPair(agent, peer);
        }

        return GoalTable.Markdown(settings, pairs, loadBefore, LoadAverage.All());
    }

    private static Task<RunOutcome> RunPeerAsync(string[] args, string binary) =>
        File.Exists(binary) ? RunAsync(args) : Task.FromResult(RunOutcome.NotRun($"not run ({binary} not found)"));

    private static async Task<RunOutcome> RunAsync(string[] args)
    {
        var result = await RunCommandAsync(args).ConfigureAwait(false) is [var only] ? only : null;
        return new RunOutcome(args, result, result is null ? Failed : string.Empty);
    }

    /// <summary>One command for both sides: the reference's table comes first; the command is listed once, with the agent.</summary>
    private static async Task<RunPair> RunSideBySideAsync(string[] args) =>
        await RunCommandAsync(args).ConfigureAwait(false) is [var peer, var agent]
            ? new RunPair(new RunOutcome(args, agent, string.Empty), new RunOutcome(null, peer, string.Empty))
            : new RunPair(new RunOutcome(args, null, Failed), RunOutcome.NotRun(Failed));

    /// <summary>Says which command runs, then runs it: its result tables, null when it failed.</summary>
    private static async Task<IReadOnlyList<ResultTable>?> RunCommandAsync(string[] args)
    {
        await Console.Error.WriteLineAsync($"[table] {HarnessCommandLine.CommandLineText(args)}").ConfigureAwait(false);
        return await HarnessCommandLine.RunScenarioAsync(args).ConfigureAwait(false);
    }
}
