using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>The translation on hand-built OTLP, read back from the snappy-decoded WriteRequest bytes it produces.</summary>
public class RemoteWriteEncoderTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly long AtMs = At.ToUnixTimeMilliseconds();

    private readonly FakeTimeProvider _time = new(At.AddMinutes(1));
    private readonly ComponentId _component = new("prometheusremotewrite", Guid.NewGuid().ToString("N"));

    private string Id => _component.ToString();

    [Fact]
    public void A_gauge_gets_job_instance_scope_and_point_labels_sorted_and_target_info_the_rest()
    {
        var resource = ServiceResource("checkout", "shop", "pod-1", Attr("k8s.pod.name", "checkout-1"), Attr("host.name", "node-3"));
        var batch = Batch(resource, Gauge("queue.depth", "{items}", Point(7, At, Attr("queue.name", "orders"), Attr("2xx", "yes"))));

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);

        var depth = series.Single(s => NameOf(s) == "queue_depth");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__name__"] = "queue_depth",
                ["instance"] = "pod-1",
                ["job"] = "shop/checkout",
                ["key_2xx"] = "yes",
                ["otel_scope_name"] = "test.meter",
                ["otel_scope_version"] = "1.2.3",
                ["queue_name"] = "orders",
            },
            LabelsOf(depth));
        Assert.Equal(7, depth.Samples.Single().Value);
        Assert.Equal(AtMs, depth.Samples.Single().Timestamp);

        var info = series.Single(s => NameOf(s) == "target_info");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__name__"] = "target_info",
                ["host_name"] = "node-3",
                ["instance"] = "pod-1",
                ["job"] = "shop/checkout",
                ["k8s_pod_name"] = "checkout-1",
            },
            LabelsOf(info));
        Assert.Equal(1, info.Samples.Single().Value);
    }

    [Fact]
    public void Promoted_resource_attributes_external_labels_and_clashing_keys()
    {
        var options = new PrometheusRemoteWriteExporterOptions
        {
            Endpoint = "http://x",
            ResourceToTelemetryConversion = new SwitchOptions { Enabled = true },
            TargetInfo = new SwitchOptions { Enabled = false },
            ExternalLabels = new() { ["cluster"] = "prod-eu", ["job"] = "never-wins" },
        };
        var resource = ServiceResource("api", others: Attr("k8s.namespace.name", "shop"));
        var batch = Batch(resource, Gauge("g", "", Point(1, At, Attr("a.b", "dot"), Attr("a_b", "underscore"), Attr("code", 200))));

        var series = EncodeOne(options, batch);

        var only = Assert.Single(series);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__name__"] = "g",
                ["a_b"] = "dot;underscore",
                ["cluster"] = "prod-eu",
                ["code"] = "200",
                ["job"] = "api",
                ["k8s_namespace_name"] = "shop",
                ["otel_scope_name"] = "test.meter",
                ["otel_scope_version"] = "1.2.3",
            },
            LabelsOf(only));
    }

    [Fact]
    public void The_normalised_job_and_instance_win_and_the_normalised_labels_go_on_every_series()
    {
        var resource = ServiceResource(
            "checkout", "shop", "uid-1", Attr("job", "shop"), Attr("instance", "uid-1/server"), Attr("namespace", "shop"), Attr("pod", "checkout-1"),
            Attr("k8s.pod.name", "checkout-1"));
        var batch = Batch(resource, Gauge("g", "", Point(1, At, Attr("pod", "from-point"))));

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);

        var gauge = LabelsOf(series.Single(s => NameOf(s) == "g"));
        Assert.Equal("shop", gauge["job"]);
        Assert.Equal("uid-1/server", gauge["instance"]);
        Assert.Equal("shop", gauge["namespace"]);
        Assert.Equal("from-point", gauge["pod"]);
        Assert.False(gauge.ContainsKey("k8s_pod_name"));
        var info = LabelsOf(series.Single(s => NameOf(s) == "target_info"));
        Assert.Equal(("shop", "uid-1/server", "checkout-1"), (info["job"], info["instance"], info["k8s_pod_name"]));
    }

    [Theory]
    [InlineData(JobFormat.NamespaceAndName, "shop/checkout")]
    [InlineData(JobFormat.Namespace, "shop")]
    public void Without_a_normalised_job_the_job_format_switch_decides(JobFormat format, string expected)
    {
        var batch = Batch(ServiceResource("checkout", "shop", "pod-1"), Gauge("g", "", Point(1, At)));

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", JobFormat = format }, batch);

        Assert.Equal(expected, LabelsOf(Assert.Single(series))["job"]);
    }

    [Fact]
    public void A_cumulative_histogram_becomes_cumulative_buckets_sum_and_count()
    {
        var point = HistogramPoint(At, [0.005, 1, 2.5], [1, 2, 3, 4], 12.5, Attr("route", "/cart"));
        var batch = Batch(ServiceResource("api"), Histogram("http.server.request.duration", "s", AggregationTemporality.Cumulative, point));

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);

        var buckets = series.Where(s => NameOf(s) == "http_server_request_duration_seconds_bucket")
            .ToDictionary(s => LabelsOf(s)["le"], s => s.Samples.Single().Value);
        Assert.Equal(new Dictionary<string, double> { ["0.005"] = 1, ["1"] = 3, ["2.5"] = 6, ["+Inf"] = 10 }, buckets);
        Assert.Equal(12.5, series.Single(s => NameOf(s) == "http_server_request_duration_seconds_sum").Samples.Single().Value);
        Assert.Equal(10, series.Single(s => NameOf(s) == "http_server_request_duration_seconds_count").Samples.Single().Value);
        Assert.All(series, s => Assert.Equal("/cart", LabelsOf(s)["route"]));
    }

    [Fact]
    public void A_summary_becomes_quantiles_sum_and_count()
    {
        var point = new SummaryDataPoint { TimeUnixNano = Nanos(At), Sum = 30, Count = 3 };
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 9 });
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 12 });
        var summary = new Summary();
        summary.DataPoints.Add(point);
        var batch = Batch(ServiceResource("api"), new Metric { Name = "rpc.latency", Unit = "ms", Summary = summary });

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);

        var quantiles = series.Where(s => NameOf(s) == "rpc_latency_milliseconds")
            .ToDictionary(s => LabelsOf(s)["quantile"], s => s.Samples.Single().Value);
        Assert.Equal(new Dictionary<string, double> { ["0.5"] = 9, ["0.99"] = 12 }, quantiles);
        Assert.Equal(30, series.Single(s => NameOf(s) == "rpc_latency_milliseconds_sum").Samples.Single().Value);
        Assert.Equal(3, series.Single(s => NameOf(s) == "rpc_latency_milliseconds_count").Samples.Single().Value);
    }

    [Fact]
    public void Monotonic_sums_are_counters_others_gauges_exponential_histograms_and_nameless_metrics_dropped_and_counted()
    {
        var exponential = new ExponentialHistogram { AggregationTemporality = AggregationTemporality.Cumulative };
        exponential.DataPoints.Add(new ExponentialHistogramDataPoint { TimeUnixNano = Nanos(At), Count = 1 });
        var batch = Batch(
            ServiceResource("api"),
            Sum("requests", "1", monotonic: true, AggregationTemporality.Cumulative, Point(5, At)),
            Sum("inflight", "1", monotonic: false, AggregationTemporality.Cumulative, Point(2, At)),
            new Metric { Name = "native", ExponentialHistogram = exponential },
            Gauge(string.Empty, "", Point(1, At)));

        var (requests, encoder) = Encode(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);
        using var _ = encoder;

        var series = requests.SelectMany(r => Decode(r).Timeseries).ToList();
        Assert.Equal(["inflight_ratio", "requests_total"], series.Select(NameOf).Order().ToList());
        Assert.Equal(2, requests.Sum(r => r.Items));
        Assert.Equal(1, SelfMetrics.SendFailedValue(Id, Signal.Metrics, "exponential_histogram"));
        Assert.Equal(1, SelfMetrics.SendFailedValue(Id, Signal.Metrics, "no_metric_name"));
    }

    [Fact]
    public void Delta_sums_and_histograms_are_summed_per_series_into_cumulative_ones()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" };
        using var encoder = NewEncoder(options);
        var partitioner = new RequestPartitioner(1);
        var values = new List<double>();
        var counts = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var batch = Batch(
                ServiceResource("api"),
                Sum("hits", "", monotonic: true, AggregationTemporality.Delta, Point(i + 1, At.AddSeconds(i), Attr("x", "a"))),
                Histogram("lat", "s", AggregationTemporality.Delta, HistogramPoint(At.AddSeconds(i), [1], [1, 1], 3)));
            var requests = new List<ExportRequest>();
            encoder.Encode(batch, partitioner, requests);
            var series = requests.SelectMany(r => Decode(r).Timeseries).ToList();
            values.Add(series.Single(s => NameOf(s) == "hits_total").Samples.Single().Value);
            counts.Add(series.Single(s => NameOf(s) == "lat_seconds_bucket" && LabelsOf(s)["le"] == "1").Samples.Single().Value);
            Complete(requests);
        }

        Assert.Equal([1, 3, 6], values);
        Assert.Equal([1, 2, 3], counts);
    }

    [Fact]
    public void A_delta_histogram_whose_bounds_change_but_not_their_number_starts_its_totals_again()
    {
        using var encoder = NewEncoder(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" });
        var partitioner = new RequestPartitioner(1);
        var layouts = new (double[] Bounds, DateTimeOffset At)[] { ([1], At), ([1], At.AddSeconds(1)), ([2], At.AddSeconds(2)) };
        var seen = new List<(string Le, double Bucket, double Count)>();
        foreach (var (bounds, at) in layouts)
        {
            var batch = Batch(ServiceResource("api"), Histogram("lat", "s", AggregationTemporality.Delta, HistogramPoint(at, bounds, [1, 1], 3)));
            var requests = new List<ExportRequest>();
            encoder.Encode(batch, partitioner, requests);
            var series = requests.SelectMany(r => Decode(r).Timeseries).ToList();
            var finite = series.Single(s => NameOf(s) == "lat_seconds_bucket" && LabelsOf(s)["le"] != "+Inf");
            var count = series.Single(s => NameOf(s) == "lat_seconds_count");
            seen.Add((LabelsOf(finite)["le"], finite.Samples.Single().Value, count.Samples.Single().Value));
            Complete(requests);
        }

        // Bucket "le 1" added up over the first two points; the third point's bucket is "le 2", counted from zero.
        Assert.Equal([("1", 1, 2), ("1", 2, 4), ("2", 1, 2)], seen);
    }

    [Fact]
    public void A_second_point_of_one_series_at_one_timestamp_in_one_request_is_left_out_and_counted()
    {
        // Two SDK exports of one resource merged by the batch processor, the second a retry with a changed value.
        var batch = Batch(
            ServiceResource("api", "shop", "pod-1", Attr("host.name", "node-3")),
            Gauge("queue.depth", "", Point(1, At, Attr("q", "a")), Point(2, At, Attr("q", "a")), Point(3, At.AddSeconds(1), Attr("q", "a")), Point(4, At, Attr("q", "b"))));
        batch.Data.ResourceMetrics.Add(batch.Data.ResourceMetrics[0].Clone());

        var series = EncodeOne(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, batch);

        var samples = series.Where(s => NameOf(s) == "queue_depth")
            .Select(s => (Queue: LabelsOf(s)["q"], s.Samples.Single().Timestamp, s.Samples.Single().Value))
            .ToList();
        Assert.Equal([("a", AtMs, 1), ("a", AtMs + 1000, 3), ("b", AtMs, 4)], samples);
        Assert.Single(series, s => NameOf(s) == "target_info");
        Assert.Equal(5, SelfMetrics.SendFailedValue(Id, Signal.Metrics, "duplicate_timestamp"));
    }

    [Fact]
    public void With_conversion_off_delta_points_are_dropped_and_counted()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", DeltaToCumulative = new DeltaToCumulativeOptions { Enabled = false } };
        var batch = Batch(ServiceResource("api"), Sum("hits", "", monotonic: true, AggregationTemporality.Delta, Point(1, At), Point(2, At.AddSeconds(1))));

        var (requests, encoder) = Encode(options, batch);
        using var _ = encoder;

        Assert.Empty(requests);
        Assert.Equal(2, SelfMetrics.SendFailedValue(Id, Signal.Metrics, "delta_temporality"));
    }

    [Fact]
    public void The_delta_state_is_bounded_and_a_series_beyond_it_is_dropped_and_counted()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", DeltaToCumulative = new DeltaToCumulativeOptions { MaxStreams = 2 } };
        var batch = Batch(ServiceResource("api"), Sum("hits", "", monotonic: true, AggregationTemporality.Delta, Point(1, At, Attr("s", "1")), Point(1, At, Attr("s", "2")), Point(1, At, Attr("s", "3"))));

        var (requests, encoder) = Encode(options, batch);
        using var _ = encoder;

        Assert.Equal(2, requests.SelectMany(r => Decode(r).Timeseries).Count());
        Assert.Equal(1, SelfMetrics.SendFailedValue(Id, Signal.Metrics, "delta_limit"));
    }

    [Fact]
    public void No_recorded_value_and_silent_series_get_the_staleness_marker_after_their_last_sample()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", StaleMarkers = new StaleMarkerOptions { After = TimeSpan.FromSeconds(30) } };
        using var encoder = NewEncoder(options);
        var partitioner = new RequestPartitioner(3);
        var gone = Point(0, At, Attr("k", "gone"));
        gone.Flags = (uint)DataPointFlags.NoRecordedValueMask;
        var first = new List<ExportRequest>();
        encoder.Encode(Batch(ServiceResource("api"), Gauge("g", "", Point(1, At, Attr("k", "quiet")), gone)), partitioner, first);
        var marked = first.SelectMany(r => Decode(r).Timeseries).Single(s => LabelsOf(s)["k"] == "gone").Samples.Single().Value;
        Assert.Equal(BitConverter.DoubleToInt64Bits(MetricTranslator.StaleNaN), BitConverter.DoubleToInt64Bits(marked));
        Assert.Equal(0x7ff0000000000002, BitConverter.DoubleToInt64Bits(marked));

        // Not silent long enough: nothing yet.
        var tick = new List<ExportRequest>();
        _time.Advance(TimeSpan.FromSeconds(10));
        encoder.Encode(new MetricsBatch(), partitioner, tick);
        Assert.Empty(tick);

        _time.Advance(TimeSpan.FromSeconds(30));
        encoder.Encode(new MetricsBatch(), partitioner, tick);
        var markers = tick.SelectMany(r => Decode(r).Timeseries).ToList();
        Assert.Equal(2, markers.Count);
        Assert.All(markers, s => Assert.Equal(0x7ff0000000000002, BitConverter.DoubleToInt64Bits(s.Samples.Single().Value)));
        Assert.All(markers, s => Assert.True(s.Samples.Single().Timestamp > AtMs));
        Assert.Contains(markers, s => LabelsOf(s).GetValueOrDefault("k") == "quiet" && NameOf(s) == "g");

        // Each marker travels on the shard its series' samples took.
        var shardOfQuiet = first.Single(r => Decode(r).Timeseries.Any(s => LabelsOf(s).GetValueOrDefault("k") == "quiet")).PartitionKey;
        Assert.Equal(shardOfQuiet, tick.Single(r => Decode(r).Timeseries.Any(s => LabelsOf(s).GetValueOrDefault("k") == "quiet")).PartitionKey);
        Complete(first);
        Complete(tick);
    }

    [Fact]
    public void Metadata_is_sent_once_per_family_and_request_when_asked()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", SendMetadata = true };
        var batch = Batch(
            ServiceResource("api"),
            Sum("requests", "", monotonic: true, AggregationTemporality.Cumulative, Point(1, At, Attr("a", "1")), Point(1, At, Attr("a", "2"))),
            Histogram("lat", "s", AggregationTemporality.Cumulative, HistogramPoint(At, [1], [1, 1], 3)));

        var (requests, encoder) = Encode(options, batch);
        using var _ = encoder;

        var metadata = Decode(Assert.Single(requests)).Metadata;
        Assert.Contains(metadata, m => m.MetricFamilyName == "requests_total" && m.Type == MetricMetadata.Types.MetricType.Counter && m.Help == "requests help");
        Assert.Contains(metadata, m => m.MetricFamilyName == "lat_seconds" && m.Type == MetricMetadata.Types.MetricType.Histogram && m.Unit == "seconds");
        Assert.Equal(metadata.Count, metadata.Select(m => m.MetricFamilyName).Distinct().Count());
    }

    [Fact]
    public void A_series_always_takes_the_same_shard_and_a_full_request_is_cut()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", MaxBatchSizeBytes = 1024, TargetInfo = new SwitchOptions() };
        using var encoder = NewEncoder(options);
        var partitioner = new RequestPartitioner(4);
        var shardOf = new Dictionary<string, ulong?>();
        int requestCount = 0;
        for (int round = 0; round < 3; round++)
        {
            var points = Enumerable.Range(0, 40).Select(i => Point(i, At.AddSeconds(round), Attr("series", $"s{i}"))).ToArray();
            var requests = new List<ExportRequest>();
            encoder.Encode(Batch(ServiceResource("api"), Gauge("g", "", points)), partitioner, requests);
            requestCount = requests.Count;
            Assert.Equal(40, requests.Sum(r => r.Items));
            foreach (var request in requests)
            {
                foreach (var series in Decode(request).Timeseries)
                {
                    string name = LabelsOf(series)["series"];
                    Assert.Equal(shardOf.GetValueOrDefault(name, request.PartitionKey), request.PartitionKey);
                    shardOf[name] = request.PartitionKey;
                }
            }

            Complete(requests);
        }

        Assert.True(shardOf.Values.Distinct().Count() > 1, "all series fell into one shard");
        Assert.True(requestCount > 4, $"{requestCount} requests: none was cut at max_batch_size_bytes");
    }

    [Fact]
    public void A_batch_received_encoded_is_translated_from_its_bytes_and_stays_encoded()
    {
        var decoded = Batch(
            ServiceResource("checkout", "shop", "pod-1", Attr("host.name", "node-3")),
            Sum("http.requests", "{request}", monotonic: true, AggregationTemporality.Cumulative, Point(12, At, Attr("route", "/cart"), Attr("code", 200))),
            Histogram("http.duration", "s", AggregationTemporality.Cumulative, HistogramPoint(At, [0.1, 1], [3, 2, 1], 2.5, Attr("route", "/cart"))));
        var encoded = Encoded(decoded.Data);
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" };

        var fromBytes = EncodeOne(options, encoded);

        Assert.True(encoded.IsEncoded);
        Assert.Equal(
            EncodeOne(options, decoded).Select(s => s.ToString()).Order(StringComparer.Ordinal),
            fromBytes.Select(s => s.ToString()).Order(StringComparer.Ordinal));
        var requests = fromBytes.Single(s => NameOf(s) == "http_requests_total");
        Assert.Equal("/cart", LabelsOf(requests)["route"]);
        Assert.Equal("200", LabelsOf(requests)["code"]);
        Assert.Equal(12, requests.Samples.Single().Value);
        var le1 = fromBytes.Single(s => NameOf(s) == "http_duration_seconds_bucket" && LabelsOf(s)["le"] == "1");
        Assert.Equal(5, le1.Samples.Single().Value);
    }

    private List<TimeSeries> EncodeOne(PrometheusRemoteWriteExporterOptions options, MetricsBatch batch)
    {
        var (requests, encoder) = Encode(options, batch);
        using var _ = encoder;
        var series = requests.SelectMany(r => Decode(r).Timeseries).ToList();
        Complete(requests);
        return series;
    }

    private (List<ExportRequest> Requests, RemoteWriteEncoder Encoder) Encode(PrometheusRemoteWriteExporterOptions options, MetricsBatch batch)
    {
        var encoder = NewEncoder(options);
        var requests = new List<ExportRequest>();
        encoder.Encode(batch, new RequestPartitioner(1), requests);
        return (requests, encoder);
    }

    private RemoteWriteEncoder NewEncoder(PrometheusRemoteWriteExporterOptions options) =>
        new(options, new ExporterTelemetry(SelfMetrics.Registry, _component), _time);

    private static void Complete(List<ExportRequest> requests)
    {
        foreach (var request in requests)
        {
            request.Complete(Agent.Core.Delivery.DeliveryStatus.Delivered);
        }
    }
}
