using Agent.Core.Components;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>What a reload did: instances kept running, stopped and started.</summary>
internal readonly record struct TakeOverSummary(int Kept, int Stopped, int Started);

/// <summary>
/// The reload half of the topology: which instances of the running topology are kept, and the switch from it.
/// An instance's fingerprint covers its own configuration, its place, and everything downstream of it that it
/// feeds (a processor's chain, the exporters and connectors behind it), so an instance is kept only when the
/// instances it hands data to are kept too. A receiver's fingerprint covers only its own configuration and the
/// signals it feeds: its pipelines are switched behind it (<see cref="ReceiverInputs"/>).
/// </summary>
internal sealed partial class Topology
{
    private readonly Dictionary<ComponentKey, (string Fingerprint, IComponent Component)> _instances = [];
    private readonly HashSet<IComponent> _created = new(ReferenceEqualityComparer.Instance);
    private bool _failedToTakeOver;

    /// <summary>
    /// Replaces <paramref name="running"/> (the topology this one was built from) with this one, as the Collector
    /// would if it could keep what did not change: receivers that stay but whose pipelines change hold their data at
    /// the door; the running instances this topology did not take over are drained exactly as on shutdown
    /// (receivers first, then stages upstream first, exporters, extensions; within <paramref name="timeout"/>);
    /// then the new instances start downstream first, the held receivers are let through to their new pipelines,
    /// and new receivers start last. Kept instances run throughout, untouched. On a start failure this topology
    /// is left as it is (held receivers still held) for the caller to replace it with the previous configuration.
    /// </summary>
    public async Task<TakeOverSummary> TakeOverAsync(Topology running, TimeSpan timeout)
    {
        var kept = new HashSet<IComponent>(_instances.Values.Select(i => i.Component), ReferenceEqualityComparer.Instance);
        var rerouted = _receiverInputs
            .Where(r => r.Value.IsPaused || r.Value.Downstream != running._receiverInputs.GetValueOrDefault(r.Key)?.Downstream)
            .Where(r => !_created.Contains(Receiver(r.Key)))
            .Select(r => r.Value)
            .ToList();
        var held = Task.WhenAll(rerouted.Select(r => r.PauseAsync()));

        var retiring = running.StartOrder().Where(c => !kept.Contains(c)).Reverse().ToList();
        var retiringReceivers = running._receivers.Select(r => r.Component).Where(c => !kept.Contains(c)).ToHashSet(ReferenceEqualityComparer.Instance);
        using (var deadline = new CancellationTokenSource(timeout))
        {
            foreach (var component in retiring.Where(retiringReceivers.Contains))
            {
                await StopQuietlyAsync(component, deadline.Token).ConfigureAwait(false);
            }

            try
            {
                await held.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Configuration reload: data still being handed to the old pipelines after {Timeout}; stopping them anyway", timeout);
            }

            foreach (var component in retiring.Where(c => !retiringReceivers.Contains(c)))
            {
                await StopQuietlyAsync(component, deadline.Token).ConfigureAwait(false);
            }
        }

        try
        {
            foreach (var component in StartOrder().Where(c => _created.Contains(c) && !IsReceiver(c)))
            {
                await component.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var inputs in rerouted)
            {
                inputs.Resume();
            }

            foreach (var (_, receiver) in _receivers.Where(r => _created.Contains(r.Component)))
            {
                await receiver.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            _failedToTakeOver = true;
            throw;
        }

        return new TakeOverSummary(kept.Count, retiring.Count, _created.Count);
    }

    /// <summary>The running instance at <paramref name="key"/> when its fingerprint is unchanged, else a new one from <paramref name="create"/>.</summary>
    private T Adopt<T>(ComponentKey key, string fingerprint, Func<T> create)
        where T : class, IComponent
    {
        if (_running is not null && _running._instances.TryGetValue(key, out var known) && known.Fingerprint == fingerprint &&
            !(_running._failedToTakeOver && _running._created.Contains(known.Component)))
        {
            _instances[key] = known;
            return (T)known.Component;
        }

        var created = create();
        _instances[key] = (fingerprint, created);
        _created.Add(created);
        return created;
    }

    private IComponent Receiver(Core.Components.ComponentId id) => _receivers.First(r => r.Id == id).Component;

    private bool IsReceiver(IComponent component) => _receivers.Exists(r => ReferenceEquals(r.Component, component));
}
