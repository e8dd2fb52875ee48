using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>
/// The common part of every typed factory: the type name, the stability per signal and the default options,
/// which are a new <typeparamref name="TOptions"/> (its property initialisers are the defaults).
/// </summary>
public abstract class ComponentFactory<TOptions> : IComponentFactory
    where TOptions : class, new()
{
    private readonly Dictionary<Signal, Stability> _signals = [];

    /// <param name="type">The type name in the configuration.</param>
    /// <param name="stability">The stability of every signal listed (change one with <see cref="SetStability"/>).</param>
    /// <param name="signals">The signals handled; none for an extension.</param>
    protected ComponentFactory(string type, Stability stability, params Signal[] signals)
    {
        Type = type;
        OwnStability = stability;
        foreach (var signal in signals)
        {
            _signals[signal] = stability;
        }
    }

    public string Type { get; }

    public Stability Stability => _signals.Count == 0 ? OwnStability : _signals.Values.Min();

    public IReadOnlyCollection<Signal> Signals => [.. _signals.Keys.Order()];

    private Stability OwnStability { get; }

    public Stability StabilityOf(Signal signal) =>
        _signals.TryGetValue(signal, out var stability) ? stability : throw Unsupported(signal);

    public virtual object CreateDefaultOptions() => new TOptions();

    /// <summary>Marks one signal as more or less settled than the others.</summary>
    protected void SetStability(Signal signal, Stability stability) => _signals[signal] = stability;

    /// <summary>The options the configuration bound for this component.</summary>
    protected static TOptions OptionsOf(ComponentContext context) => (TOptions)context.Options;

    /// <summary>The error a factory gives for a signal it does not handle.</summary>
    protected NotSupportedException Unsupported(Signal signal) =>
        new($"{Type} does not support {signal.ConfigName()}; it supports: {string.Join(", ", Signals.Select(s => s.ConfigName()))}");
}
