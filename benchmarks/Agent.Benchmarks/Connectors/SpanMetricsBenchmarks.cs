using Agent.Connectors.SpanMetrics;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Connectors;

/// <summary>
/// The span-metrics hot path: one batch of 10,000 spans falling into 50 series that already exist (5 services ×
/// 5 span names × 2 statuses, one configured dimension), through the connector's consume call. Divide the mean by
/// 10,000 for the cost per span; allocated bytes should be 0.
/// </summary>
[MemoryDiagnoser]
public class SpanMetricsBenchmarks
{
    private const int Spans = 10_000;

    private SpanMetricsConnector _connector = null!;
    private TracesBatch _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new SpanMetricsConnectorOptions { Dimensions = [new SpanMetricsDimension { Name = "http.request.method" }] };
        var context = new ComponentContext(new ComponentId("spanmetrics", "bench"), options, new BenchmarkHost());
        _connector = new SpanMetricsConnector(context, options, new NullMetricsConsumer());
        _batch = Build();

        // The first call creates the 50 series; the measured calls only find them.
        _connector.ConsumeAsync(_batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public ValueTask AggregateSpansOfExistingSeries() => _connector.ConsumeAsync(_batch, CancellationToken.None);

    private static TracesBatch Build()
    {
        var request = new ExportTraceServiceRequest();
        for (int service = 0; service < 5; service++)
        {
            var scope = new ScopeSpans();
            for (int i = 0; i < Spans / 5; i++)
            {
                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(new byte[16]),
                    SpanId = ByteString.CopyFrom(new byte[8]),
                    Name = $"GET /route/{i % 5}",
                    Kind = Span.Types.SpanKind.Server,
                    StartTimeUnixNano = 1_000_000_000,
                    EndTimeUnixNano = 1_000_000_000 + (ulong)(i % 1000) * 1_000_000,
                    Status = new Status { Code = i % 10 == 0 ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Ok },
                };
                span.Attributes.Add(new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = "GET" } });
                span.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = span.Name } });
                scope.Spans.Add(span);
            }

            var resource = new Resource();
            resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = $"service-{service}" } });
            resource.Attributes.Add(new KeyValue { Key = "service.instance.id", Value = new AnyValue { StringValue = $"pod-{service}" } });
            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        }

        return new TracesBatch(request);
    }

    private sealed class NullMetricsConsumer : IConsumer<MetricsBatch>
    {
        public bool MutatesData => false;

        public ValueTask ConsumeAsync(MetricsBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
