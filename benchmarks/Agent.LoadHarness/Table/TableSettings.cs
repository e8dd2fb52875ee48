namespace Agent.LoadHarness.Table;

/// <summary>
/// What the <c>table</c> command runs: the agent, the peers (each optional), whether the windows are shortened
/// for a smoke run, and whether the paced CPU rows run the agent and the Collector side by side.
/// </summary>
internal sealed record TableSettings(string Agent, int? AgentCpu, string? Collector, string? FluentBit, bool Quick, bool SideBySide);
