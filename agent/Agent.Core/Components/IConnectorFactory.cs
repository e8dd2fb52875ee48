using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Core.Components;

/// <summary>
/// A connector instance for one route: it consumes what a <c>From</c> pipeline exports to it and passes batches of
/// the <c>To</c> signal on to the pipelines that name it as a receiver.
/// </summary>
public interface IConnector<in TIn> : IConsumer<TIn>, IComponent
    where TIn : Batch
{
}

/// <summary>Creates connectors per route (from-signal, to-signal); a route the type does not handle is refused with <see cref="NotSupportedException"/>.</summary>
public interface IConnectorFactory : IComponentFactory
{
    /// <summary>The routes the type handles.</summary>
    IReadOnlyCollection<SignalRoute> Routes { get; }

    /// <summary>How settled the component is for one route it handles.</summary>
    Stability StabilityOf(SignalRoute route);

    /// <summary>
    /// Creates the instance of this id for the route <typeparamref name="TIn"/> to <typeparamref name="TOut"/>;
    /// <paramref name="next"/> feeds every pipeline of the <typeparamref name="TOut"/> signal that names it as a receiver.
    /// </summary>
    IConnector<TIn> CreateConnector<TIn, TOut>(ComponentContext context, IConsumer<TOut> next)
        where TIn : Batch
        where TOut : Batch;
}
