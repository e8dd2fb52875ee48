using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Table;

/// <summary>One side (agent or peer) of a run: the command it ran, its result, or why there is none.</summary>
internal sealed record RunOutcome(string[]? Args, ResultTable? Result, string Note)
{
    public static RunOutcome NotRun(string note) => new(null, null, note);
}

/// <summary>Both sides of one run.</summary>
internal sealed record RunPair(RunOutcome Agent, RunOutcome Peer);
