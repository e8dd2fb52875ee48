namespace Agent.Core.Components;

/// <summary>The running agent's state as probes see it (<c>/healthz</c>, <c>/readyz</c>, the <c>health_check</c> extension).</summary>
public interface IAgentStatus
{
    /// <summary>Alive unless the agent failed: a starting or draining agent is still alive.</summary>
    bool IsAlive { get; }

    /// <summary>Every component started and the agent is not draining.</summary>
    bool IsReady { get; }

    /// <summary>A one-word state for people: starting, ready, stopping, failed.</summary>
    string State { get; }
}
