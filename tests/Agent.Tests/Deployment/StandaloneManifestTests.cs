using System.Diagnostics;
using Agent.Tests.EndToEnd;

namespace Agent.Tests.Deployment;

/// <summary>manifests/standalone: the systemd unit and the VM config.</summary>
public sealed class StandaloneManifestTests
{
    private static readonly string Unit = File.ReadAllText(Manifests.PathOf("standalone/agent.service"));

    [Fact]
    public void The_unit_is_sandboxed_and_may_write_only_its_state_directory()
    {
        var directives = Unit.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

        Assert.Equal("strict", directives["ProtectSystem"]);
        Assert.Equal("yes", directives["DynamicUser"]);
        Assert.Equal("yes", directives["NoNewPrivileges"]);
        Assert.Equal("agent", directives["StateDirectory"]);
        Assert.Equal("/var/lib/agent", directives["ReadWritePaths"]);
        Assert.Equal("CAP_DAC_READ_SEARCH", directives["CapabilityBoundingSet"]);
        Assert.Contains("--data-dir ${STATE_DIRECTORY}", directives["ExecStart"], StringComparison.Ordinal);
        Assert.Contains("--config /etc/agent/agent.yaml", directives["ExecStart"], StringComparison.Ordinal);
    }

    [SystemdAnalyzeFact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_unit_passes_systemd_analyze_verify()
    {
        // verify checks that ExecStart's binary exists: point it at the agent this test run built.
        using var directory = new TempDirectory("agent-unit-");
        string unit = directory.Combine("agent.service");
        await File.WriteAllTextAsync(unit, Unit.Replace("/usr/local/bin/agent", Path.Combine(AppContext.BaseDirectory, "agent"), StringComparison.Ordinal));

        var start = new ProcessStartInfo("systemd-analyze", ["verify", unit]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        Assert.DoesNotContain("agent.service", errors, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_VM_config_passes_agent_validate()
    {
        var endpoints = new Dictionary<string, string>
        {
            ["OTLP_ENDPOINT"] = "https://otlp.example.com:4317",
            ["LOKI_ENDPOINT"] = "https://loki.example.com/loki/api/v1/push",
            ["PROMETHEUS_REMOTE_WRITE_ENDPOINT"] = "https://prometheus.example.com/api/v1/write",
        };
        var config = new AgentConfigText(await File.ReadAllTextAsync(Manifests.PathOf("standalone/agent.yaml")));
        Assert.Equal(endpoints.Keys.Order(), config.RequiredVariables.Order()); // the ones its header documents

        await using var agent = AgentProcess.Start(["validate", "--config", Manifests.PathOf("standalone/agent.yaml")], endpoints);
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, agent.Output);
        Assert.Equal(new[] { "cpu", "disk", "filesystem", "load", "memory", "network", "paging", "processes" }, config.Keys("receivers", "hostmetrics", "scrapers").Order());
    }
}

/// <summary>A fact that is skipped, saying why, where systemd-analyze is not installed.</summary>
internal sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        bool installed = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, "systemd-analyze")));
        if (!installed)
        {
            Skip = "systemd-analyze is not installed (Debian's systemd package provides it)";
        }
    }
}
