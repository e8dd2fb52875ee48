using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>
/// A connector type. The constructor declares each route it handles with <see cref="AddRoute{TIn,TOut}"/>: its
/// stability and how to create the instance, typed, so no create method casts. <see cref="IComponentFactory.Signals"/>
/// are the signals of its routes, either side, and the factory's stability is the least settled route's.
/// </summary>
public abstract class ConnectorFactory<TOptions>(string type) : ComponentFactory<TOptions>(type, Stability.Development), IConnectorFactory
    where TOptions : class, new()
{
    private readonly Dictionary<SignalRoute, (Stability Stability, Delegate Create)> _routes = [];

    public IReadOnlyCollection<SignalRoute> Routes => [.. _routes.Keys.OrderBy(r => r.From).ThenBy(r => r.To)];

    public Stability StabilityOf(SignalRoute route) =>
        _routes.TryGetValue(route, out var entry) ? entry.Stability : throw UnsupportedRoute(route);

    public IConnector<TIn> CreateConnector<TIn, TOut>(ComponentContext context, IConsumer<TOut> next)
        where TIn : Batch
        where TOut : Batch
    {
        var route = new SignalRoute(SignalNames.OfBatch<TIn>(), SignalNames.OfBatch<TOut>());
        if (!_routes.TryGetValue(route, out var entry))
        {
            throw UnsupportedRoute(route);
        }

        var create = (Func<ComponentContext, TOptions, IConsumer<TOut>, IConnector<TIn>>)entry.Create;
        return create(context, OptionsOf(context), next);
    }

    /// <summary>Declares that the type turns <typeparamref name="TIn"/> into <typeparamref name="TOut"/>, and how.</summary>
    protected void AddRoute<TIn, TOut>(Stability stability, Func<ComponentContext, TOptions, IConsumer<TOut>, IConnector<TIn>> create)
        where TIn : Batch
        where TOut : Batch
    {
        var route = new SignalRoute(SignalNames.OfBatch<TIn>(), SignalNames.OfBatch<TOut>());
        _routes[route] = (stability, create);
        foreach (var signal in (Signal[])[route.From, route.To])
        {
            var least = _routes.Where(r => r.Key.From == signal || r.Key.To == signal).Min(r => r.Value.Stability);
            SetStability(signal, least);
        }
    }

    /// <summary>The error a factory gives for a route it does not handle.</summary>
    protected NotSupportedException UnsupportedRoute(SignalRoute route) =>
        new($"{Type} does not support {route}; it supports: {string.Join(", ", Routes)}");
}
