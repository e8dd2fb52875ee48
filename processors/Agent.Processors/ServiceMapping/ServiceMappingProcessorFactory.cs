using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Processors.Common;

namespace Agent.Processors.ServiceMapping;

/// <summary>The <c>servicemapping</c> processor: service identity and normalised labels from Kubernetes attributes.</summary>
public sealed class ServiceMappingProcessorFactory()
    : ProcessorFactory<ServiceMappingProcessorOptions>("servicemapping", Stability.Alpha, Signal.Traces, Signal.Metrics, Signal.Logs)
{
    protected override IProcessor<TBatch> CreateAny<TBatch>(ComponentContext context, ServiceMappingProcessorOptions options, IConsumer<TBatch> next) =>
        new PerResourceProcessor<TBatch>(context, new ServiceMappingRules(options).Apply, next);
}
