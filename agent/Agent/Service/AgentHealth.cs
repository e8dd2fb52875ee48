using Agent.Core.Components;

namespace Agent.Service;

/// <summary>Where the agent is in its life, for <c>/readyz</c> and the <c>health_check</c> extension.</summary>
internal enum AgentState
{
    Starting,
    Ready,
    Stopping,
    Failed,
}

/// <summary>The agent's state, shared by everything that reports health.</summary>
internal sealed class AgentHealth : IAgentStatus
{
    private volatile AgentState _state = AgentState.Starting;

    public AgentState Current => _state;

    public bool IsReady => _state == AgentState.Ready;

    public bool IsAlive => _state != AgentState.Failed;

    public string State => _state.ToString().ToLowerInvariant();

    public void Set(AgentState state) => _state = state;
}
