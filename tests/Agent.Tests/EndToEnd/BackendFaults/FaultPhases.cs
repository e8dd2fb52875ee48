using Agent.Tests.Fakes;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>One phase of a run: its name and what it does to the backend (each phase undoes the previous one's fault).</summary>
internal sealed record FaultPhase(string Name, Action Apply);

/// <summary>The faults of issue 12's table, one per phase, each for <see cref="Length"/> while the load runs.</summary>
internal static class FaultPhases
{
    /// <summary>How long each fault lasts: the load's shape, not a wait for something to happen.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Refused connections, resets mid-request, a slow backend (400 ms per chunk each way), a stalled one (6 s per
    /// chunk: every attempt outlives the exporter's 5 s timeout, and the backend may still take what the exporter
    /// gave up on, so retries may deliver twice), then the backend's own 503 with Retry-After (UNAVAILABLE with a
    /// retry delay over gRPC) through <paramref name="unavailable"/>.
    /// </summary>
    public static IReadOnlyList<FaultPhase> Standard(FaultyProxy proxy, Action<bool> unavailable)
    {
        FaultPhase Phase(string name, ProxyFault fault, bool backendUnavailable, int delayMilliseconds = 0) => new(name, () =>
        {
            unavailable(backendUnavailable);
            proxy.Delay = TimeSpan.FromMilliseconds(delayMilliseconds);
            proxy.Apply(fault);
        });

        return
        [
            Phase("connection refused", ProxyFault.Refuse, false),
            Phase("reset mid-request", ProxyFault.Reset, false),
            Phase("delay 400 ms per chunk", ProxyFault.Delay, false, 400),
            Phase("delay 6 s per chunk (past the 5 s timeout)", ProxyFault.Delay, false, 6000),
            Phase("unavailable, retry after 1 s", ProxyFault.Pass, true),
        ];
    }

    /// <summary>Runs the load through each phase in turn, then heals the backend and begins the <c>healed</c> phase.</summary>
    public static async Task RunAsync(IReadOnlyList<FaultPhase> phases, PhaseRecorder recorder, AgentProcess agent, FaultyProxy proxy, Action<bool> unavailable)
    {
        foreach (var phase in phases)
        {
            await recorder.BeginAsync(phase.Name);
            phase.Apply();
            await Task.Delay(Length);
            Assert.False(agent.HasExited, $"the agent exited during \"{phase.Name}\": {agent.Output}");
        }

        await recorder.BeginAsync("healed");
        unavailable(false);
        proxy.Apply(ProxyFault.Pass);
    }
}
