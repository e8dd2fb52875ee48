using System.Globalization;
using System.Text;
using Agent.LoadHarness.Cli;

namespace Agent.LoadHarness.Table;

/// <summary>The issue's table as Markdown: each row's peer and agent figures, their ratio and the goal, then the commands.</summary>
internal static class GoalTable
{
    public static string Markdown(TableSettings settings, IReadOnlyDictionary<ScenarioRun, RunPair> pairs, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Issue 7's table{(settings.Quick ? " (quick: shortened windows, not figures to quote)" : string.Empty)}, {Environment.ProcessorCount} cores, agent {(settings.AgentCpu is int cpu ? $"pinned to CPU {cpu}" : "not pinned")}{(settings.SideBySide ? "; the paced CPU rows ran the agent and the Collector at once on that core" : string.Empty)}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}.");
        text.AppendLine();
        text.AppendLine("| row | peer | peer figure | agent | agent ÷ peer | goal | met |");
        text.AppendLine("|---|---|---:|---:|---:|---|---|");
        foreach (var row in GoalRows.All)
        {
            AppendRow(text, row, pairs[row.Run]);
        }

        text.AppendLine();
        text.AppendLine("Commands (each repeats its run alone):");
        text.AppendLine();
        foreach (var (run, pair) in pairs)
        {
            AppendCommand(text, run, pair.Agent);
            AppendCommand(text, run, pair.Peer);
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, GoalRow row, RunPair pair)
    {
        double? agent = Figure(pair.Agent, row);
        double? peer = Figure(pair.Peer, row);
        string peerCell = peer is double measured
            ? Format(measured, row.Format)
            : $"{pair.Peer.Note}{(row.PublishedPeer is double published ? $"; issue: {Format(published, row.Format)}" : string.Empty)}";
        string ratio = agent is double a && peer is double p && p != 0 ? (a / p).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
        string met = agent is double value && row.Met is not null ? (row.Met(value, peer) ? "yes" : "**no**") : "—";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {row.What} | {row.PeerName} | {peerCell} | {(agent is double shown ? Format(shown, row.Format) : pair.Agent.Note)} | {ratio} | {row.Goal} | {met} |");
    }

    private static double? Figure(RunOutcome outcome, GoalRow row) => outcome.Result?.Number(row.Column);

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void AppendCommand(StringBuilder text, ScenarioRun run, RunOutcome outcome)
    {
        if (outcome.Args is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {run}: `{HarnessCommandLine.CommandLineText(outcome.Args)}`{(outcome.Result is null ? " (failed)" : string.Empty)}");
        }
    }
}
