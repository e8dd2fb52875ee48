namespace Agent.LoadHarness.Table;

/// <summary>
/// One row of the table: which run it is read from, which column of that run's result, what the issue
/// measured for the peer, and the goal (null when the row only reports a figure).
/// </summary>
internal sealed record GoalRow(
    string What,
    ScenarioRun Run,
    string Column,
    string Format,
    string PeerName,
    double? PublishedPeer,
    string Goal,
    Func<double, double?, bool>? Met)
{
    public static Func<double, double?, bool> AtMost(double limit) => (agent, _) => agent <= limit;

    public static Func<double, double?, bool> AtLeast(double limit) => (agent, _) => agent >= limit;

    /// <summary>At least the peer's figure: the one measured in this run, or the when the peer did not run.</summary>
    public static Func<double, double?, bool> AtLeastThePeer(double published) => (agent, peer) => agent >= (peer ?? published);
}
