using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using Snappier;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>Hand-built OTLP metrics, the exporter under test, and the decoding of what it wrote.</summary>
internal static class RemoteWriteTestData
{
    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static Resource ServiceResource(string name, string? space = null, string? instance = null, params KeyValue[] others)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", name));
        if (space is not null)
        {
            resource.Attributes.Add(Attr("service.namespace", space));
        }

        if (instance is not null)
        {
            resource.Attributes.Add(Attr("service.instance.id", instance));
        }

        resource.Attributes.AddRange(others);
        return resource;
    }

    /// <summary>The request as the otlp receiver hands it on: still encoded, its scope groups as bytes.</summary>
    public static MetricsBatch Encoded(ExportMetricsServiceRequest request) => new(WireRequest.Parser.ParseFrom(request.ToByteArray()));

    /// <summary>A batch of one resource and one scope with <paramref name="metrics"/>.</summary>
    public static MetricsBatch Batch(Resource resource, params Metric[] metrics)
    {
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "test.meter", Version = "1.2.3" } };
        scope.Metrics.AddRange(metrics);
        var group = new ResourceMetrics { Resource = resource };
        group.ScopeMetrics.Add(scope);
        var batch = new MetricsBatch();
        batch.Data.ResourceMetrics.Add(group);
        return batch;
    }

    public static ulong Nanos(DateTimeOffset time) => (ulong)time.ToUnixTimeMilliseconds() * 1_000_000;

    public static NumberDataPoint Point(double value, DateTimeOffset time, params KeyValue[] attributes)
    {
        var point = new NumberDataPoint { AsDouble = value, TimeUnixNano = Nanos(time) };
        point.Attributes.AddRange(attributes);
        return point;
    }

    public static Metric Gauge(string name, string unit, params NumberDataPoint[] points)
    {
        var gauge = new Gauge();
        gauge.DataPoints.AddRange(points);
        return new Metric { Name = name, Unit = unit, Description = name + " help", Gauge = gauge };
    }

    public static Metric Sum(string name, string unit, bool monotonic, AggregationTemporality temporality, params NumberDataPoint[] points)
    {
        var sum = new Sum { IsMonotonic = monotonic, AggregationTemporality = temporality };
        sum.DataPoints.AddRange(points);
        return new Metric { Name = name, Unit = unit, Description = name + " help", Sum = sum };
    }

    public static HistogramDataPoint HistogramPoint(DateTimeOffset time, double[] bounds, ulong[] counts, double sum, params KeyValue[] attributes)
    {
        var point = new HistogramDataPoint { TimeUnixNano = Nanos(time), Sum = sum, Count = counts.Aggregate(0UL, (a, b) => a + b) };
        point.ExplicitBounds.AddRange(bounds);
        point.BucketCounts.AddRange(counts);
        point.Attributes.AddRange(attributes);
        return point;
    }

    public static Metric Histogram(string name, string unit, AggregationTemporality temporality, params HistogramDataPoint[] points)
    {
        var histogram = new Histogram { AggregationTemporality = temporality };
        histogram.DataPoints.AddRange(points);
        return new Metric { Name = name, Unit = unit, Description = name + " help", Histogram = histogram };
    }

    public static PrometheusRemoteWriteExporterOptions Options(Uri endpoint) => new()
    {
        Endpoint = endpoint.ToString(),
        RetryOnFailure = new Agent.Core.Config.RetryOptions { InitialInterval = TimeSpan.FromMilliseconds(50), MaxInterval = TimeSpan.FromMilliseconds(200), MaxElapsedTime = TimeSpan.FromSeconds(20) },
    };

    public static async Task<(PrometheusRemoteWriteExporter Exporter, string Name)> StartAsync(PrometheusRemoteWriteExporterOptions options, TimeProvider? time = null)
    {
        var id = new ComponentId("prometheusremotewrite", Guid.NewGuid().ToString("N"));
        var exporter = new PrometheusRemoteWriteExporter(new ComponentContext(id, options, new TestHost()), options, time: time);
        await exporter.StartAsync(CancellationToken.None);
        return (exporter, id.ToString());
    }

    /// <summary>Hands the batch to the exporter and waits for its delivery status.</summary>
    public static async Task<DeliveryStatus> SendAsync(PrometheusRemoteWriteExporter exporter, MetricsBatch batch)
    {
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);
        return await notifier.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The WriteRequest a request's body carries.</summary>
    public static WriteRequest Decode(ExportRequest request) =>
        WriteRequest.Parser.ParseFrom(Snappy.DecompressToArray(request.Body.ToArray()));

    /// <summary>A series' labels as a dictionary (asserting they are sorted and unique on the wire).</summary>
    public static Dictionary<string, string> LabelsOf(TimeSeries series)
    {
        var names = series.Labels.Select(l => l.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct().Count());
        return series.Labels.ToDictionary(l => l.Name, l => l.Value);
    }

    public static string NameOf(TimeSeries series) => series.Labels.Single(l => l.Name == "__name__").Value;

    /// <summary>
    /// Translates <paramref name="batch"/> and returns every series written as <c>name{label=value,…}=value</c>
    /// without the <paramref name="hidden"/> labels, sorted; the requests are completed.
    /// </summary>
    public static List<string> TranslateToTexts(MetricTranslator translator, MetricsBatch batch, RequestPartitioner partitioner, params string[] hidden)
    {
        var requests = new List<ExportRequest>();
        translator.Translate(batch, partitioner, requests);
        return SeriesTexts(requests, hidden);
    }

    /// <summary>The series of <paramref name="requests"/> as <see cref="TranslateToTexts"/> writes them; the requests are completed.</summary>
    public static List<string> SeriesTexts(List<ExportRequest> requests, params string[] hidden)
    {
        var series = requests.SelectMany(r => Decode(r).Timeseries).Select(s => Describe(s, hidden)).Order(StringComparer.Ordinal).ToList();
        foreach (var request in requests)
        {
            request.Complete(DeliveryStatus.Delivered);
        }

        return series;
    }

    private static string Describe(TimeSeries series, string[] hidden)
    {
        var labels = LabelsOf(series).Where(l => l.Key != "__name__" && !hidden.Contains(l.Key)).Select(l => $"{l.Key}={l.Value}");
        return $"{NameOf(series)}{{{string.Join(',', labels)}}}={series.Samples.Single().Value}";
    }
}
