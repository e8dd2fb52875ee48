namespace Agent.Tests.Support;

/// <summary>
/// xunit time limits: generous, so a slow shared machine does not fail a test, and finite, so a hang fails its test
/// instead of stalling the whole suite. xunit enforces them on async tests only.
/// </summary>
internal static class TestTimeouts
{
    /// <summary>A test in this process: servers, channels, tasks, poll loops.</summary>
    public const int Default = 60_000;

    /// <summary>A test that runs the agent as a process against fake backends.</summary>
    public const int EndToEnd = 180_000;
}
