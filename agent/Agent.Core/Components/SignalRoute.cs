using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>What a connector turns into what: it is an exporter in a <see cref="From"/> pipeline and a receiver in a <see cref="To"/> pipeline.</summary>
public readonly record struct SignalRoute(Signal From, Signal To)
{
    public override string ToString() => $"{From.ConfigName()} to {To.ConfigName()}";
}
