namespace Agent.Core.Components;

/// <summary>
/// A running part of the agent. Start is called in dependency order (extensions, exporters, processors,
/// receivers) and shutdown in reverse, so nothing sends to a stage that has already stopped.
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
