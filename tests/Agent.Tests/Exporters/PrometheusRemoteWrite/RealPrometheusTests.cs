using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.PrometheusRemoteWrite;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>One real Prometheus for the class; each test writes metrics of its own names.</summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    internal PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PrometheusServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The exporter writing to a real Prometheus (remote-write receiver on), read back through its HTTP API.</summary>
public class RealPrometheusTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
{
    private PrometheusServer Prometheus => fixture.Server;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Names_labels_values_and_target_info_arrive()
    {
        var (exporter, _) = await StartAsync(Options(Prometheus.WriteUri));
        var now = DateTimeOffset.UtcNow.AddSeconds(-2);
        var resource = ServiceResource("checkout", "shop", "pod-1", Attr("host.name", "node-3"), Attr("k8s.pod.name", "checkout-7d9f"));
        var batch = Batch(
            resource,
            Gauge("checkout.queue.depth", "{items}", Point(7, now, Attr("queue", "orders"))),
            Sum("node_cpu_seconds_total", "s", monotonic: true, AggregationTemporality.Cumulative, Point(1234.5, now, Attr("cpu", "0"), Attr("mode", "idle"))));

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        var series = await Prometheus.SeriesAsync("{job=\"shop/checkout\"}");
        Assert.Equal(
            ["checkout_queue_depth", "node_cpu_seconds_total", "target_info"],
            series.Select(s => s["__name__"]).Order(StringComparer.Ordinal).ToList());
        var depth = Assert.Single(await Prometheus.QueryAsync("checkout_queue_depth{job=\"shop/checkout\"}"));
        Assert.Equal(7, depth.Value);
        Assert.Equal("pod-1", depth.Labels["instance"]);
        Assert.Equal("orders", depth.Labels["queue"]);
        Assert.Equal("test.meter", depth.Labels["otel_scope_name"]);
        Assert.Equal("1.2.3", depth.Labels["otel_scope_version"]);
        Assert.False(depth.Labels.ContainsKey("host_name"));
        var cpu = Assert.Single(await Prometheus.QueryAsync("node_cpu_seconds_total{job=\"shop/checkout\",mode=\"idle\",cpu=\"0\"}"));
        Assert.Equal(1234.5, cpu.Value);
        var info = Assert.Single(await Prometheus.QueryAsync("target_info{job=\"shop/checkout\"}"));
        Assert.Equal("node-3", info.Labels["host_name"]);
        Assert.Equal("checkout-7d9f", info.Labels["k8s_pod_name"]);
        Assert.Equal("pod-1", info.Labels["instance"]);
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_counter_reset_is_seen_as_one()
    {
        var (exporter, _) = await StartAsync(Options(Prometheus.WriteUri));
        var start = DateTimeOffset.UtcNow.AddSeconds(-40);
        double[] values = [10, 20, 5, 15];
        for (int i = 0; i < values.Length; i++)
        {
            var batch = Batch(ServiceResource("resets"), Sum("jobs.done", "", monotonic: true, AggregationTemporality.Cumulative, Point(values[i], start.AddSeconds(10 * i))));
            Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));
        }

        var at = start.AddSeconds(31);
        Assert.Equal(1, Assert.Single(await Prometheus.QueryAsync("resets(jobs_done_total{job=\"resets\"}[1m])", at)).Value);
        Assert.Equal(15, Assert.Single(await Prometheus.QueryAsync("jobs_done_total{job=\"resets\"}", at)).Value);

        // Before the reset: 20, the largest value the series had.
        Assert.Equal(20, Assert.Single(await Prometheus.QueryAsync("max_over_time(jobs_done_total{job=\"resets\"}[1m])", at)).Value);
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Histogram_buckets_give_the_expected_quantile()
    {
        var (exporter, _) = await StartAsync(Options(Prometheus.WriteUri));
        var now = DateTimeOffset.UtcNow.AddSeconds(-2);
        var point = HistogramPoint(now, [1, 2, 5], [2, 4, 4, 0], 25, Attr("route", "/cart"));
        var batch = Batch(ServiceResource("hist"), Histogram("http.server.request.duration", "s", AggregationTemporality.Cumulative, point));

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        var buckets = await Prometheus.QueryAsync("http_server_request_duration_seconds_bucket{job=\"hist\"}");
        Assert.Equal(
            new Dictionary<string, double> { ["1"] = 2, ["2"] = 6, ["5"] = 10, ["+Inf"] = 10 },
            buckets.ToDictionary(b => b.Labels["le"], b => b.Value));

        // The 5th of 10 observations lies in (1, 2], which holds the 3rd to 6th: 1 + (5 - 2) / 4 × (2 - 1).
        var median = Assert.Single(await Prometheus.QueryAsync("histogram_quantile(0.5, http_server_request_duration_seconds_bucket{job=\"hist\"})"));
        Assert.Equal(1.75, median.Value, 9);
        Assert.Equal(25, Assert.Single(await Prometheus.QueryAsync("http_server_request_duration_seconds_sum{job=\"hist\"}")).Value);
        Assert.Equal(10, Assert.Single(await Prometheus.QueryAsync("http_server_request_duration_seconds_count{job=\"hist\"}")).Value);
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Series_end_when_the_exporter_stops()
    {
        var (exporter, _) = await StartAsync(Options(Prometheus.WriteUri));
        var now = DateTimeOffset.UtcNow.AddSeconds(-2);
        var batch = Batch(ServiceResource("stale"), Gauge("stale.on.stop", "", Point(3, now)));
        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));
        Assert.Single(await Prometheus.QueryAsync("stale_on_stop{job=\"stale\"}"));

        await exporter.ShutdownAsync(CancellationToken.None);

        // Without the marker, Prometheus would still return the sample for five minutes.
        Assert.Empty(await Prometheus.QueryAsync("stale_on_stop{job=\"stale\"}", DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(3, Assert.Single(await Prometheus.QueryAsync("stale_on_stop{job=\"stale\"}", now.AddMilliseconds(1))).Value);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_series_silent_for_the_configured_time_ends()
    {
        var options = Options(Prometheus.WriteUri);
        options.StaleMarkers = new StaleMarkerOptions { After = TimeSpan.FromSeconds(1) };
        var (exporter, _) = await StartAsync(options);
        var now = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, Batch(ServiceResource("silent"), Gauge("silent.gauge", "", Point(4, now)))));
        Assert.Single(await Prometheus.QueryAsync("silent_gauge{job=\"silent\"}"));

        // The positive signal: the exporter forgets the series once its marker is queued; then Prometheus has it.
        while (exporter.TrackedSeries > 0)
        {
            await Task.Delay(50);
        }

        await exporter.ShutdownAsync(CancellationToken.None);
        Assert.Empty(await Prometheus.QueryAsync("silent_gauge{job=\"silent\"}", DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_out_of_order_sample_is_a_counted_drop_not_a_retry_loop()
    {
        var options = Options(Prometheus.WriteUri);
        options.RetryOnFailure.MaxElapsedTime = TimeSpan.FromMinutes(5);
        var (exporter, name) = await StartAsync(options);
        var now = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, Batch(ServiceResource("ooo"), Gauge("ooo.gauge", "", Point(1, now)))));

        var older = await SendAsync(exporter, Batch(ServiceResource("ooo"), Gauge("ooo.gauge", "", Point(2, now.AddSeconds(-30)))));

        Assert.Equal(DeliveryStatus.Rejected, older);
        Assert.Equal(1, SelfMetrics.SendFailedValue(name, Signal.Metrics, "out_of_order"));
        Assert.Equal(1, Assert.Single(await Prometheus.QueryAsync("ooo_gauge{job=\"ooo\"}")).Value);
        await exporter.ShutdownAsync(CancellationToken.None);
    }
}
