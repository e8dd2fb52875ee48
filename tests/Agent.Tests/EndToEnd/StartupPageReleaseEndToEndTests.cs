using Agent.Service;
using Agent.Tests.Fakes;
using Agent.Tests.Support;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// The running agent's executable is advised for random access once it is ready (the kernel shows the advice as
/// <c>rr</c> among a mapping's VmFlags in /proc/PID/smaps), so what start-up read is let go and what is used again
/// comes back a page at a time; <c>AGENT_KEEP_STARTUP_PAGES=1</c> leaves the mappings as the kernel made them.
/// </summary>
public sealed class StartupPageReleaseEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-pages-").FullName;

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_ready_agent_has_advised_its_executable_for_random_access_unless_told_to_keep_it(bool keep)
    {
        int telemetryPort = FakeOtlpBackend.FreePort();
        string config = Path.Combine(_directory, "agent.yaml");
        await File.WriteAllTextAsync(config, $$"""
            receivers:
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:{{FakeOtlpBackend.FreePort()}}"} }
            exporters:
              debug: {}
            service:
              telemetry: {metrics: {address: "127.0.0.1:{{telemetryPort}}"} }
              pipelines:
                traces: {receivers: [otlp], exporters: [debug]}
            """);
        var environment = keep ? new Dictionary<string, string> { [StartupPageRelease.KeepVariable] = "1" } : [];

        await using var agent = await AgentProcess.StartReadyAsync(
            ["run", "--config", config, "--data-dir", Path.Combine(_directory, "data")], environment, telemetryPort);
        var flags = ExecutableMappingFlags(agent.Id);

        Assert.NotEmpty(flags);
        Assert.All(flags, mapping => Assert.Equal(!keep, mapping.Split(' ').Contains("rr")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The VmFlags line of every mapping of the process's executable.</summary>
    private static List<string> ExecutableMappingFlags(int pid)
    {
        string executable = new FileInfo($"/proc/{pid}/exe").ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        var flags = new List<string>();
        bool inExecutable = false;
        foreach (string line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                inExecutable = fields.Length == 6 && fields[5].Trim() == executable;
            }
            else if (inExecutable && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                flags.Add(line["VmFlags:".Length..].Trim());
            }
        }

        return flags;
    }
}
