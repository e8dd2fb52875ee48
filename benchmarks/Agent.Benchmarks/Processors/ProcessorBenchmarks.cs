using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Processors.Resource;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Processors;

/// <summary>
/// The resource processor should cost per resource group, not per span: the time per batch must not grow with
/// the spans per group. The split behind <c>send_batch_max_size</c> should be linear in the batch size.
/// </summary>
[MemoryDiagnoser]
public class ProcessorBenchmarks
{
    private const int Groups = 100;

    private IProcessor<TracesBatch> _resource = null!;
    private TracesBatch _batch = null!;
    private TracesBatch _big = null!;

    [Params(1, 100)]
    public int SpansPerGroup { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new ResourceProcessorOptions
        {
            Attributes =
            [
                new ResourceAttributeAction { Key = "deployment.environment", Action = "upsert", Value = "prod" },
                new ResourceAttributeAction { Key = "service.alias", Action = "insert", FromAttribute = "service.name" },
                new ResourceAttributeAction { Key = "temporary", Action = "delete" },
            ],
        };
        var context = new ComponentContext(new ComponentId("resource"), options, new BenchmarkHost());
        _resource = new ResourceProcessorFactory().CreateProcessor(context, new NullConsumer());
        _batch = Build(Groups, SpansPerGroup);
    }

    [Benchmark]
    public ValueTask ResourceActionsOnOneBatch() => _resource.ConsumeAsync(_batch, CancellationToken.None);

    [IterationSetup(Target = nameof(SplitOneGroupOf64kSpansInto8kParts))]
    public void BuildBig() => _big = Build(1, 65_536);

    [Benchmark]
    public int SplitOneGroupOf64kSpansInto8kParts()
    {
        int parts = 0;
        while (_big.ItemCount > 0)
        {
            _big.SplitFront(8192);
            parts++;
        }

        return parts;
    }

    private static TracesBatch Build(int groups, int spansPerGroup)
    {
        var request = new ExportTraceServiceRequest();
        for (int g = 0; g < groups; g++)
        {
            var scope = new ScopeSpans();
            for (int s = 0; s < spansPerGroup; s++)
            {
                scope.Spans.Add(new Span { Name = "span" });
            }

            var resource = new Resource();
            resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = $"svc{g}" } });
            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        }

        return new TracesBatch(request);
    }

    private sealed class NullConsumer : IConsumer<TracesBatch>
    {
        public bool MutatesData => false;

        public ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
