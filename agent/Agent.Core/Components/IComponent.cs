namespace Agent.Core.Components;

/// <summary>
/// A running part of the agent. Start is called in dependency order (extensions, exporters, then processors and
/// connectors from the last pipeline of the graph back to the first, receivers) and shutdown in reverse, so nothing
/// sends to a stage that has already stopped.
/// </summary>
public interface IComponent
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops taking new work and finishes what was accepted. When <paramref name="cancellationToken"/> fires the
    /// drain deadline has passed: give up and complete what is left as errored.
    /// </summary>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
