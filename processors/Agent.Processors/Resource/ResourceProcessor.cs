using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Processing;

namespace Agent.Processors.Resource;

/// <summary>
/// Applies the configured actions to the resource of every group (OTLP groups and raw log chunks alike). The work
/// is per resource group, never per record. It changes resources in place, so a fan-out gives it its own copy.
/// </summary>
public sealed class ResourceProcessor<TBatch> : Processor<TBatch>
    where TBatch : Agent.Core.Model.Batch
{
    private readonly ResourceActions _actions;

    internal ResourceProcessor(ComponentContext context, ResourceActions actions, IConsumer<TBatch> next)
        : base(context, next, mutatesData: true)
    {
        _actions = actions;
    }

    protected override TBatch Process(TBatch batch)
    {
        foreach (var resource in batch.Resources)
        {
            _actions.Apply(resource);
        }

        return batch;
    }
}
