using System.Diagnostics;

namespace Agent.Tests.Deployment;

/// <summary>Debian's promtool (./test.sh installs it), run to completion in a folder.</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output, errors) = await CommandLineTool.RunAsync("promtool", workingDirectory, arguments);
        return (exitCode, output + errors);
    }
}

/// <summary>A command-line tool run to completion, its output and errors read apart.</summary>
internal static class CommandLineTool
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string tool, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
