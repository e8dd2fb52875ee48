namespace Agent.LoadHarness.Table;

/// <summary>
/// What the <c>table</c> command runs: the agent, the peers (each optional), and whether the windows are shortened
/// for a smoke run.
/// </summary>
internal sealed record TableSettings(string Agent, int? AgentCpu, string? Collector, string? FluentBit, bool Quick);
