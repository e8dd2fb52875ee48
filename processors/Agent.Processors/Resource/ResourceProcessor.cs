using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.Resource;

/// <summary>
/// Applies the configured actions to the resource of every group (OTLP groups and raw log chunks alike), then
/// passes the batch on. The work is per resource group, never per record.
/// </summary>
public sealed class ResourceProcessor<TBatch> : IProcessor<TBatch>
    where TBatch : Batch<TBatch>
{
    private readonly ResourceActions _actions;
    private readonly IConsumer<TBatch> _next;

    internal ResourceProcessor(ResourceActions actions, IConsumer<TBatch> next)
    {
        _actions = actions;
        _next = next;
    }

    /// <summary>It changes resources in place, so a fan-out must give it its own copy.</summary>
    public bool MutatesData => true;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        foreach (var resource in batch.Resources)
        {
            _actions.Apply(resource);
        }

        return _next.ConsumeAsync(batch, cancellationToken);
    }

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
