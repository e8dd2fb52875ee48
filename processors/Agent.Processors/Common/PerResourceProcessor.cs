using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Processing;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Processors.Common;

/// <summary>
/// A processor that changes the resource of every group (OTLP groups and raw log chunks alike), shared by
/// <c>resource</c> and <c>servicemapping</c>. The work is per resource group, never per record. It changes resources
/// in place, so a fan-out gives it its own copy. Records are never read, so they may stay encoded.
/// </summary>
internal sealed class PerResourceProcessor<TBatch>(ComponentContext context, Action<OtlpResource> apply, IConsumer<TBatch> next)
    : Processor<TBatch>(context, next, mutatesData: true), IHandlesEncodedRecords
    where TBatch : Agent.Core.Model.Batch
{
    public bool HandlesEncodedRecords => true;

    protected override TBatch Process(TBatch batch)
    {
        foreach (var resource in batch.Resources)
        {
            apply(resource);
        }

        return batch;
    }
}
