namespace Agent.Cli;

/// <summary>The <c>agent</c> command line.</summary>
internal static class AgentCommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        return Task.FromResult(0);
    }
}
