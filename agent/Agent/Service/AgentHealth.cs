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
internal sealed class AgentHealth
{
    private volatile AgentState _state = AgentState.Starting;

    public AgentState State => _state;

    public bool IsReady => _state == AgentState.Ready;

    /// <summary>Alive unless the agent failed: a starting or draining agent is still alive.</summary>
    public bool IsAlive => _state != AgentState.Failed;

    public void Set(AgentState state) => _state = state;
}
