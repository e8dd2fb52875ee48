using System.Runtime.Versioning;
using Agent.LoadHarness.Cli;

// The harness reads /proc and uses taskset: it measures the agent where it runs, on Linux.
[assembly: SupportedOSPlatform("linux")]

namespace Agent.LoadHarness;

internal static class Program
{
    public static Task<int> Main(string[] args) => HarnessCommandLine.RunAsync(args);
}
