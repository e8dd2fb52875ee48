namespace Agent.LoadHarness;

/// <summary>A run that cannot produce a meaningful figure: the message says why, with the agent's output when it helps.</summary>
internal sealed class HarnessException(string message) : Exception(message);
