using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;

namespace Agent.Processors.K8sAttributes;

/// <summary>The <c>k8sattributes</c> processor: adds the pod's Kubernetes metadata to logs, metrics and traces.</summary>
public sealed class K8sAttributesProcessorFactory()
    : ProcessorFactory<K8sAttributesProcessorOptions>("k8sattributes", Stability.Alpha, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TBatch> CreateAny<TBatch>(ComponentContext context, K8sAttributesProcessorOptions options, IConsumer<TBatch> next) =>
        new K8sAttributesProcessor<TBatch>(context, options, next);
}
