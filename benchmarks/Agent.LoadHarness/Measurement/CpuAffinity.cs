using System.Diagnostics;
using System.Globalization;

namespace Agent.LoadHarness.Measurement;

/// <summary>
/// Keeps the harness off the core the agent is pinned to, so the load generator and sinks do not steal the
/// agent's CPU time.
/// </summary>
internal static class CpuAffinity
{
    /// <summary>Moves every thread of this process to the allowed CPUs other than <paramref name="agentCpu"/>.</summary>
    /// <returns>A description of what was done, for the report.</returns>
    public static string KeepHarnessOff(int agentCpu)
    {
        using var self = Process.GetCurrentProcess();
        long allowed = (long)self.ProcessorAffinity;
        long others = allowed & ~(1L << agentCpu);
        if (others == 0)
        {
            return $"harness shares CPU {agentCpu} with the agent (no other CPU is allowed)";
        }

        // taskset -a sets every existing thread; threads started later inherit the mask from their creators.
        // (Process.ProcessorAffinity would change the main thread only.)
        string mask = others.ToString("x", CultureInfo.InvariantCulture);
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", mask, self.Id.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        taskset.StandardOutput.ReadToEnd();
        string error = taskset.StandardError.ReadToEnd();
        taskset.WaitForExit();
        return taskset.ExitCode == 0
            ? $"harness on CPU mask 0x{mask}"
            : $"harness could not be pinned ({error.Trim()})";
    }
}
