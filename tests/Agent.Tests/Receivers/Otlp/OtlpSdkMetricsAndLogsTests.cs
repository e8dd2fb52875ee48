using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Resources;
using static Agent.Tests.Receivers.Otlp.OtlpSdkTraceTests;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>Metrics and logs exported by the real OpenTelemetry .NET SDK arrive unchanged, over gRPC and HTTP/protobuf.</summary>
public class OtlpSdkMetricsAndLogsTests
{
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Metrics_arrive_with_names_values_attributes_and_temporality(OtlpExportProtocol protocol)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var meter = new Meter("otlp-receiver-tests." + Guid.NewGuid().ToString("N"));
        var orders = meter.CreateCounter<long>("orders", unit: "{order}", description: "Orders placed");
        var latency = meter.CreateHistogram<double>("latency", unit: "ms");
        meter.CreateObservableGauge("queue.depth", () => new Measurement<int>(7, new KeyValuePair<string, object?>("queue", "main")));

        using (var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("billing"))
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Protocol = protocol;
                exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? otlp.GrpcAddress : new Uri(otlp.HttpAddress, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build())
        {
            orders.Add(3, new KeyValuePair<string, object?>("region", "eu"));
            orders.Add(2, new KeyValuePair<string, object?>("region", "eu"));
            orders.Add(1, new KeyValuePair<string, object?>("region", "us"));
            latency.Record(4);
            latency.Record(40);
            latency.Record(400);
            Assert.True(provider.ForceFlush(10_000));
        }

        var groups = otlp.Metrics.Received.SelectMany(b => b.Data.ResourceMetrics).ToList();
        Assert.All(groups, g => Assert.Equal("billing", Attribute(g.Resource.Attributes, "service.name").StringValue));
        var metrics = groups.SelectMany(g => g.ScopeMetrics).Where(s => s.Scope.Name == meter.Name).SelectMany(s => s.Metrics).ToList();

        var counter = metrics.First(m => m.Name == "orders");
        Assert.Equal("{order}", counter.Unit);
        Assert.Equal("Orders placed", counter.Description);
        Assert.True(counter.Sum.IsMonotonic);
        Assert.Equal(OpenTelemetry.Proto.Metrics.V1.AggregationTemporality.Cumulative, counter.Sum.AggregationTemporality);
        Assert.Equal(5, Assert.Single(counter.Sum.DataPoints, p => Attribute(p.Attributes, "region").StringValue == "eu").AsInt);
        Assert.Equal(1, Assert.Single(counter.Sum.DataPoints, p => Attribute(p.Attributes, "region").StringValue == "us").AsInt);

        var histogram = Assert.Single(metrics.First(m => m.Name == "latency").Histogram.DataPoints);
        Assert.Equal(3UL, histogram.Count);
        Assert.Equal(444, histogram.Sum);
        Assert.Equal(4, histogram.Min);
        Assert.Equal(400, histogram.Max);
        Assert.Equal(histogram.ExplicitBounds.Count + 1, histogram.BucketCounts.Count);
        Assert.Equal(3UL, histogram.BucketCounts.Aggregate(0UL, (a, b) => a + b));

        var gauge = Assert.Single(metrics.First(m => m.Name == "queue.depth").Gauge.DataPoints);
        Assert.Equal(7, gauge.AsInt);
        Assert.Equal("main", Attribute(gauge.Attributes, "queue").StringValue);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Logs_arrive_with_body_severity_attributes_and_trace_context(OtlpExportProtocol protocol)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        string category = "OtlpReceiverTests." + Guid.NewGuid().ToString("N");
        ActivityTraceId traceId;
        ActivitySpanId spanId;

        using (var loggers = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("shipping"));
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter(exporter =>
            {
                exporter.Protocol = protocol;
                exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? otlp.GrpcAddress : new Uri(otlp.HttpAddress, "/v1/logs");
                exporter.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = loggers.CreateLogger(category);
            using var activity = new Activity("work").SetIdFormat(ActivityIdFormat.W3C).Start();
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            logger.LogWarning("Parcel {ParcelId} is late by {Days} days", "P-17", 3);
        }

        var record = otlp.Logs.Received
            .SelectMany(b => b.Data.ResourceLogs)
            .Where(g => Attribute(g.Resource.Attributes, "service.name").StringValue == "shipping")
            .SelectMany(g => g.ScopeLogs)
            .Where(s => s.Scope.Name == category)
            .SelectMany(s => s.LogRecords)
            .Single();
        Assert.Equal("Parcel P-17 is late by 3 days", record.Body.StringValue);
        Assert.Equal(SeverityNumber.Warn, record.SeverityNumber);
        Assert.Equal("Warning", record.SeverityText);
        Assert.Equal("P-17", Attribute(record.Attributes, "ParcelId").StringValue);
        Assert.Equal(3, Attribute(record.Attributes, "Days").IntValue);
        Assert.Equal(traceId.ToHexString(), Convert.ToHexStringLower(record.TraceId.Span));
        Assert.Equal(spanId.ToHexString(), Convert.ToHexStringLower(record.SpanId.Span));
        Assert.NotEqual(0UL, record.TimeUnixNano);
    }
}
