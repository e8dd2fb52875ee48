using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Processing;

namespace Agent.Processors.Resource;

/// <summary>
/// Applies the configured actions to the resource of every group (OTLP groups and raw log chunks alike). The work
/// is per resource group, never per record. It changes resources in place, so a fan-out gives it its own copy.
/// </summary>
internal sealed class ResourceProcessor<TBatch>(ComponentContext context, ResourceActions actions, IConsumer<TBatch> next)
    : Processor<TBatch>(context, next, mutatesData: true)
    where TBatch : Agent.Core.Model.Batch
{
    protected override TBatch Process(TBatch batch)
    {
        foreach (var resource in batch.Resources)
        {
            actions.Apply(resource);
        }

        return batch;
    }
}
