using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Tests.Fakes;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>The exporter against an in-process remote-write sink: headers, wire bytes, order, retries and refusals.</summary>
public class RemoteWriteExporterTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Requests_carry_the_protocol_headers_and_a_snappy_write_request()
    {
        await using var sink = await FakeRemoteWrite.StartAsync();
        var options = Options(sink.WriteUri);
        options.Headers["Authorization"] = "Bearer t0k3n";
        var (exporter, name) = await StartAsync(options);
        var now = DateTimeOffset.UtcNow;

        var status = await SendAsync(exporter, Batch(ServiceResource("api"), Gauge("temperature", "Cel", Point(21.5, now))));
        await exporter.ShutdownAsync(CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, status);
        var first = sink.Writes[0];
        Assert.Equal("application/x-protobuf", first.ContentType);
        Assert.Equal("snappy", first.ContentEncoding);
        Assert.Equal("0.1.0", first.Version);
        Assert.StartsWith("agent/", first.UserAgent, StringComparison.Ordinal);
        Assert.Equal("Bearer t0k3n", first.Authorization);
        var series = Assert.Single(first.Request.Timeseries);
        Assert.Equal("temperature_celsius", NameOf(series));
        Assert.Equal(21.5, series.Samples.Single().Value);
        Assert.Equal(1, SelfMetrics.SentValue(name, Signal.Metrics));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Samples_of_a_series_arrive_in_order_across_many_consumers()
    {
        await using var sink = await FakeRemoteWrite.StartAsync();
        var options = Options(sink.WriteUri);
        options.RemoteWriteQueue.NumConsumers = 4;
        var (exporter, _) = await StartAsync(options);
        var start = DateTimeOffset.UtcNow;

        var pending = new List<Task<DeliveryStatus>>();
        for (int i = 0; i < 30; i++)
        {
            var points = Enumerable.Range(0, 8).Select(s => Point(i, start.AddMilliseconds(i), Attr("s", $"{s}"))).ToArray();
            pending.Add(SendAsync(exporter, Batch(ServiceResource("api"), Gauge("g", "", points))));
        }

        Assert.All(await Task.WhenAll(pending), status => Assert.Equal(DeliveryStatus.Delivered, status));
        foreach (var group in sink.Series.Where(s => NameOf(s) == "g").GroupBy(s => LabelsOf(s)["s"]))
        {
            var values = group.Select(s => s.Samples.Single().Value).ToList();
            Assert.Equal(Enumerable.Range(0, 30).Select(i => (double)i), values);
        }

        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_503_and_a_429_are_retried_with_the_same_bytes()
    {
        await using var sink = await FakeRemoteWrite.StartAsync();
        sink.FailNext(1, 503, "overloaded", retryAfter: "0");
        sink.FailNext(1, 429, "slow down");
        var (exporter, name) = await StartAsync(Options(sink.WriteUri));

        var status = await SendAsync(exporter, Batch(ServiceResource("api"), Gauge("g", "", Point(3, DateTimeOffset.UtcNow))));

        Assert.Equal(DeliveryStatus.Delivered, status);
        var writes = sink.Writes;
        Assert.Equal([503, 429, 204], writes.Select(w => w.Status));
        Assert.All(writes, w => Assert.Equal(writes[0].Request, w.Request));
        Assert.Equal(1, SelfMetrics.SentValue(name, Signal.Metrics));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_400_is_not_retried_and_its_points_are_dropped_and_counted_by_reason()
    {
        await using var sink = await FakeRemoteWrite.StartAsync();
        sink.FailNext(1, 400, "out of order sample");
        sink.FailNext(1, 401, "who are you");

        // One shard: each batch is one request, so the planned answers meet the batches in order.
        var options = Options(sink.WriteUri);
        options.RemoteWriteQueue.NumConsumers = 1;
        var (exporter, name) = await StartAsync(options);
        var now = DateTimeOffset.UtcNow;

        var refused = await SendAsync(exporter, Batch(ServiceResource("api"), Gauge("g", "", Point(1, now), Point(2, now, Attr("a", "b")))));
        var unauthorized = await SendAsync(exporter, Batch(ServiceResource("api"), Gauge("h", "", Point(1, now))));

        Assert.Equal(DeliveryStatus.Rejected, refused);
        Assert.Equal(DeliveryStatus.Rejected, unauthorized);
        Assert.Equal(2, sink.Writes.Count);
        Assert.Equal(2, SelfMetrics.SendFailedValue(name, Signal.Metrics, "out_of_order"));
        Assert.Equal(1, SelfMetrics.SendFailedValue(name, Signal.Metrics, "http_401"));
        Assert.Equal(0, SelfMetrics.SentValue(name, Signal.Metrics));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Stopping_marks_every_series_sent_as_stale()
    {
        await using var sink = await FakeRemoteWrite.StartAsync();
        var (exporter, _) = await StartAsync(Options(sink.WriteUri));
        var now = DateTimeOffset.UtcNow.AddSeconds(-5);
        var histogram = Histogram("lat", "s", AggregationTemporality.Cumulative, HistogramPoint(now, [1], [1, 0], 0.5));
        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, Batch(ServiceResource("api"), Gauge("g", "", Point(1, now)), histogram)));
        int before = sink.Series.Count;

        await exporter.ShutdownAsync(CancellationToken.None);

        var sent = sink.Series.Take(before).Select(s => string.Join(',', s.Labels)).ToHashSet();
        var markers = sink.Series.Skip(before).ToList();
        Assert.Equal(sent, markers.Select(s => string.Join(',', s.Labels)).ToHashSet());
        Assert.All(markers, s => Assert.Equal(0x7ff0000000000002, BitConverter.DoubleToInt64Bits(s.Samples.Single().Value)));
        Assert.All(markers, s => Assert.True(s.Samples.Single().Timestamp > now.ToUnixTimeMilliseconds()));
    }
}
