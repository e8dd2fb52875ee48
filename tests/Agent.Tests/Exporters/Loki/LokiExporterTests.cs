using System.Text;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Telemetry;
using Agent.Exporters.Loki;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

public class LokiExporterTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Raw_lines_arrive_with_labels_metadata_and_nanosecond_times()
    {
        await using var loki = await FakeLoki.StartAsync();
        var (exporter, name) = await StartAsync(Options(loki));
        using var chunk = Chunk(
            PodResource(extra: [("service.name", "checkout"), ("service.namespace", "shop"), ("k8s.cluster.name", "prod-eu"), ("k8s.node.name", "node-3")]),
            new RawLine(BaseTime, $"GET /cart 200 trace_id={TraceId}", LogStream.Stdout, Severity: 9, TraceId),
            new RawLine(BaseTime + 1, "disk full", LogStream.Stderr, Severity: 17));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        var status = await SendAsync(exporter, batch);

        Assert.Equal(DeliveryStatus.Delivered, status);
        var entries = loki.Entries.OrderBy(e => e.TimeUnixNano).ToList();
        Assert.Equal(2, entries.Count);
        var info = entries[0];
        Assert.Equal(BaseTime, info.TimeUnixNano);
        Assert.Equal($"GET /cart 200 trace_id={TraceId}", info.Line);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["cluster"] = "prod-eu",
                ["container"] = "api",
                ["job"] = "shop/checkout",
                ["level"] = "info",
                ["namespace"] = "shop",
                ["pod"] = "api-7d9f",
                ["service_name"] = "checkout",
            },
            info.Labels);
        Assert.Equal("0b8e5c2a-1111-2222-3333-444455556666", info.MetadataValue("k8s_pod_uid"));
        Assert.Equal("node-3", info.MetadataValue("node"));
        Assert.Equal("stdout", info.MetadataValue("log_iostream"));
        Assert.Equal(TraceId, info.MetadataValue("trace_id"));
        Assert.Equal("error", entries[1].Labels["level"]);
        Assert.Equal("stderr", entries[1].MetadataValue("log_iostream"));
        Assert.Null(entries[1].MetadataValue("trace_id"));

        // The two streams (info, error) may sit in different shards, so in one push or two.
        Assert.All(loki.Requests, request =>
        {
            Assert.Equal("application/x-protobuf", request.ContentType);
            Assert.Null(request.Tenant);
        });
        Assert.Equal(2, SelfMetrics.SentValue(name, Signal.Logs));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Otlp_records_arrive_with_resource_labels_and_record_attributes_as_metadata()
    {
        await using var loki = await FakeLoki.StartAsync();
        var (exporter, _) = await StartAsync(Options(loki));
        var batch = LokiOtlpTests.OtlpBatch();

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        var entry = Assert.Single(loki.Entries);
        Assert.Equal(new Dictionary<string, string> { ["job"] = "payments", ["level"] = "warn", ["service_name"] = "payments" }, entry.Labels);
        Assert.Equal("card declined", entry.Line);
        Assert.Equal(LokiOtlpTests.RecordTime, entry.TimeUnixNano);
        Assert.Equal("42", entry.MetadataValue("http_status"));
        Assert.Equal("us-east", entry.MetadataValue("cloud_region"));
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", entry.MetadataValue("trace_id"));
        Assert.Equal("0102030405060708", entry.MetadataValue("span_id"));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Tenant_header_is_fixed_or_taken_from_the_namespace()
    {
        await using var loki = await FakeLoki.StartAsync();
        var fixedOptions = Options(loki);
        fixedOptions.Tenant = new LokiTenantOptions { Value = "team-a" };
        var (fixedExporter, _) = await StartAsync(fixedOptions);
        var perNamespace = Options(loki);
        perNamespace.Tenant = new LokiTenantOptions { FromAttribute = "k8s.namespace.name" };
        var (namespaceExporter, _) = await StartAsync(perNamespace);
        using var shop = Chunk(PodResource(ns: "shop"), new RawLine(BaseTime, "one"));
        using var billing = Chunk(PodResource(ns: "billing"), new RawLine(BaseTime, "two"));
        shop.Retain(1); // it goes into two batches, and each exporter lets go of it once encoded

        var first = new LogsBatch();
        first.Raw.Add(shop);
        await SendAsync(fixedExporter, first);
        var second = new LogsBatch();
        second.Raw.AddRange([shop, billing]);
        await SendAsync(namespaceExporter, second);

        Assert.Equal(["team-a", "shop", "billing"], loki.Requests.Select(r => r.Tenant));
        Assert.Equal(["one", "one", "two"], loki.Entries.Select(e => e.Line));
        Assert.Equal(["team-a", "shop", "billing"], loki.Entries.Select(e => e.Tenant));
        await fixedExporter.ShutdownAsync(CancellationToken.None);
        await namespaceExporter.ShutdownAsync(CancellationToken.None);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("basic")]
    [InlineData("bearer")]
    public async Task Credentials_go_in_the_authorization_header(string kind)
    {
        await using var loki = await FakeLoki.StartAsync();
        var options = Options(loki);
        options.Auth = kind == "basic"
            ? new ClientAuthOptions { Basic = new BasicAuthOptions { Username = "agent", Password = "s3cret" } }
            : new ClientAuthOptions { BearerToken = "tok-123" };
        options.Headers["X-Extra"] = "yes";
        loki.RequiredAuthorization = kind == "basic"
            ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("agent:s3cret"))
            : "Bearer tok-123";
        var (exporter, _) = await StartAsync(options);
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "hello"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));
        Assert.Equal(204, Assert.Single(loki.Requests).Status);
        Assert.Equal("hello", Assert.Single(loki.Entries).Line);
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Wrong_credentials_are_a_permanent_refusal_counted_as_dropped()
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.RequiredAuthorization = "Bearer right";
        var options = Options(loki);
        options.Auth = new ClientAuthOptions { BearerToken = "wrong" };
        var (exporter, name) = await StartAsync(options);
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "a"), new RawLine(BaseTime + 1, "b"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Rejected, await SendAsync(exporter, batch));
        Assert.Single(loki.Requests);
        Assert.Equal(2, SelfMetrics.SendFailedValue(name, Signal.Logs, "http_401"));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Json_encoding_delivers_the_same_entries()
    {
        await using var loki = await FakeLoki.StartAsync();
        var options = Options(loki);
        options.Encoding = LokiEncoding.Json;
        var (exporter, _) = await StartAsync(options);
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "quote \" and \u00fc"), new RawLine(BaseTime + 5, "second", Severity: 13));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        Assert.All(loki.Requests, request => Assert.Equal("application/json", request.ContentType));
        Assert.Equal(["quote \" and \u00fc", "second"], loki.Entries.OrderBy(e => e.TimeUnixNano).Select(e => e.Line));
        Assert.Equal("warn", loki.Entries.Single(e => e.Line == "second").Labels["level"]);
        Assert.Equal("stdout", loki.Entries[0].MetadataValue("log_iostream"));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(429, "0")]
    [InlineData(500, null)]
    [InlineData(503, null)]
    public async Task Transient_failures_are_retried_until_everything_is_delivered_once(int status, string? retryAfter)
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(3, status, retryAfter);
        var options = Options(loki);
        options.MaxRequestBytes = 2048;
        var (exporter, name) = await StartAsync(options);
        var lines = Enumerable.Range(0, 60).Select(i => new RawLine(BaseTime + i, $"line {i:D3} {new string('y', 60)}")).ToArray();
        using var chunk = Chunk(PodResource(), lines);
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        Assert.Equal(lines.Select(l => l.Text), loki.Entries.Select(e => e.Line));
        Assert.Equal(3, loki.Requests.Count(r => r.Status == status));
        Assert.Equal(60, SelfMetrics.SentValue(name, Signal.Logs));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_retry_after_a_failure_mid_batch_does_not_resend_pushes_loki_took()
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(1, 503, after: 1);
        var options = Options(loki);
        options.MaxRequestBytes = 2048;
        var (exporter, _) = await StartAsync(options);
        var lines = Enumerable.Range(0, 60).Select(i => new RawLine(BaseTime + i, $"line {i:D3} {new string('z', 60)}")).ToArray();
        using var chunk = Chunk(PodResource(), lines);
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        var statuses = loki.Requests.Select(r => r.Status).ToList();
        Assert.True(statuses.Count > 3, "the batch should take several pushes");
        Assert.Equal([204, 503], statuses.Take(2));
        Assert.All(statuses.Skip(2), status => Assert.Equal(204, status));
        Assert.Equal(lines.Select(l => l.Text), loki.Entries.Select(e => e.Line));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_400_for_one_entry_counts_that_entry_as_dropped_and_the_others_as_delivered()
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.Refuse(entry => entry.Line == "too old", "entry too far behind");
        var (exporter, name) = await StartAsync(Options(loki));
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "a"), new RawLine(BaseTime + 1, "too old"), new RawLine(BaseTime + 2, "c"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Delivered, await SendAsync(exporter, batch));

        Assert.Equal(["a", "c"], loki.Entries.Select(e => e.Line));
        Assert.Equal(400, Assert.Single(loki.Requests).Status);
        Assert.Equal(1, SelfMetrics.SendFailedValue(name, Signal.Logs, "too_far_behind"));
        Assert.Equal(2, SelfMetrics.SentValue(name, Signal.Logs));
        await exporter.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_400_that_refuses_every_entry_rejects_the_batch()
    {
        await using var loki = await FakeLoki.StartAsync();
        loki.Refuse(_ => true, "entry out of order");
        var (exporter, name) = await StartAsync(Options(loki));
        using var chunk = Chunk(PodResource(), new RawLine(BaseTime, "a"), new RawLine(BaseTime + 1, "b"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        Assert.Equal(DeliveryStatus.Rejected, await SendAsync(exporter, batch));

        Assert.Empty(loki.Entries);
        Assert.Equal(2, SelfMetrics.SendFailedValue(name, Signal.Logs, "out_of_order"));
        Assert.Equal(0, SelfMetrics.SentValue(name, Signal.Logs));
        await exporter.ShutdownAsync(CancellationToken.None);
    }
}
