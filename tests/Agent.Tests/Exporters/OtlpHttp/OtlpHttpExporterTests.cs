using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.OtlpHttp;
using Agent.Tests.Fakes;

namespace Agent.Tests.Exporters.OtlpHttp;

public sealed class OtlpHttpExporterTests
{
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("gzip")]
    [InlineData("none")]
    public async Task Spans_metrics_and_logs_arrive_unchanged_at_their_paths(string compression)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var id = OtlpSamples.UniqueId("otlphttp");
        var exporter = await StartAsync(id, Options(backend.HttpEndpoint.ToString(), compression));
        try
        {
            var (traces, tracesDone) = OtlpSamples.TracesBatch(3);
            var (metrics, metricsDone) = OtlpSamples.MetricsBatch(4);
            var (logs, logsDone) = OtlpSamples.LogsBatch(5);
            var expectedTraces = traces.Data.Clone();
            var expectedMetrics = metrics.Data.Clone();
            var expectedLogs = logs.Data.Clone();

            await exporter.Traces!.ConsumeAsync(traces, CancellationToken.None);
            await exporter.Metrics!.ConsumeAsync(metrics, CancellationToken.None);
            await exporter.Logs!.ConsumeAsync(logs, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await tracesDone.Outcome());
            Assert.Equal(DeliveryStatus.Delivered, await metricsDone.Outcome());
            Assert.Equal(DeliveryStatus.Delivered, await logsDone.Outcome());
            Assert.Equal(expectedTraces, Assert.Single(backend.Traces));
            Assert.Equal(expectedMetrics, Assert.Single(backend.Metrics));
            Assert.Equal(expectedLogs, Assert.Single(backend.Logs));
            Assert.Equal(["/v1/logs", "/v1/metrics", "/v1/traces"], backend.Requests.Select(r => r.Path).Order());
            Assert.All(backend.Requests, r =>
            {
                Assert.Equal(FakeOtlpTransport.Http, r.Transport);
                Assert.Equal("application/x-protobuf", r.ContentType);
                Assert.Equal(compression == "gzip" ? "gzip" : null, r.ContentEncoding);
            });
            Assert.Equal(3, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
            Assert.Equal(5, SelfMetrics.SentValue(id.ToString(), Signal.Metrics));
            Assert.Equal(5, SelfMetrics.SentValue(id.ToString(), Signal.Logs));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Headers_and_a_signal_endpoint_override_are_honoured()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.HttpEndpoint.ToString());
        options.TracesEndpoint = new Uri(backend.HttpEndpoint, "/tempo/api/push/traces").ToString();
        options.Headers["X-Scope-OrgID"] = "tenant-b";
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            var request = Assert.Single(backend.Requests);
            Assert.Equal("/tempo/api/push/traces", request.Path);
            Assert.Equal("tenant-b", request.Headers["x-scope-orgid"]);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Service_unavailable_with_retry_after_is_retried_until_delivered()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(1, 503, retryAfter: TimeSpan.FromSeconds(1));
        backend.FailNext(2, 429);
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), Options(backend.HttpEndpoint.ToString()));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(3);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(["503", "429", "429", "accepted"], backend.Requests.Select(r => r.Outcome));
            Assert.Equal(3, backend.LogRecordCount);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(413)]
    [InlineData(500)]
    public async Task Other_error_statuses_reject_the_batch_at_once_with_the_servers_message(int status)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(1, status, message: "metric name is invalid");
        var id = OtlpSamples.UniqueId("otlphttp");
        var log = new RecordingLogger();
        var exporter = await StartAsync(id, Options(backend.HttpEndpoint.ToString()), log);
        try
        {
            var (batch, done) = OtlpSamples.MetricsBatch(2);
            await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
            Assert.Single(backend.Requests);
            Assert.Equal(3, SelfMetrics.SendFailedValue(id.ToString(), Signal.Metrics, "permanent"));
            Assert.Contains(log.Messages, m => m.Contains($"HTTP {status}", StringComparison.Ordinal) && m.Contains("metric name is invalid", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_partial_success_counts_the_refused_items_as_dropped()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.RejectPartiallyNext(1, 1, "one record too large");
        var id = OtlpSamples.UniqueId("otlphttp");
        var exporter = await StartAsync(id, Options(backend.HttpEndpoint.ToString()));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(4);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(3, SelfMetrics.SentValue(id.ToString(), Signal.Logs));
            Assert.Equal(1, SelfMetrics.SendFailedValue(id.ToString(), Signal.Logs, "partial_success"));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_backend_that_is_not_up_yet_gets_everything_once_it_starts()
    {
        int port = FakeOtlpBackend.FreePort();
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), Options($"http://127.0.0.1:{port}"));
        FakeOtlpBackend? backend = null;
        try
        {
            var notifiers = new List<BatchNotifier>();
            for (int i = 0; i < 3; i++)
            {
                var (batch, done) = OtlpSamples.MetricsBatch(1);
                notifiers.Add(done);
                await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);
            }

            await Task.Delay(300);
            Assert.All(notifiers, n => Assert.False(n.IsCompleted));
            backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { HttpPort = port });

            foreach (var done in notifiers)
            {
                Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            }

            Assert.Equal(6, backend.MetricPointCount);
            Assert.Equal(3, backend.Requests.Count);
        }
        finally
        {
            await StopAsync(exporter);
            if (backend is not null)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_request_that_outlives_the_timeout_is_abandoned_and_retried()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.StallNext(1, TimeSpan.FromSeconds(30));
        var options = Options(backend.HttpEndpoint.ToString());
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlphttp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(2);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            await backend.WaitForRequestsAsync(2);
            Assert.Equal(["abandoned", "accepted"], backend.Requests.Select(r => r.Outcome).Order());
            Assert.Equal(2, backend.SpanCount);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    internal static OtlpHttpExporterOptions Options(string endpoint, string compression = "gzip") => new()
    {
        Endpoint = endpoint,
        Compression = compression,
        RetryOnFailure = new RetryOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(50),
            MaxInterval = TimeSpan.FromMilliseconds(200),
            MaxElapsedTime = TimeSpan.FromSeconds(20),
        },
        SendingQueue = new SendingQueueOptions { NumConsumers = 2 },
    };

    internal static async Task<OtlpHttpExporter> StartAsync(ComponentId id, OtlpHttpExporterOptions options, RecordingLogger? log = null)
    {
        var exporter = new OtlpHttpExporter(new TestHost(log).Context(id, options), Otlp.OtlpExporterTests.AllSignals, options);
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }

    internal static async Task StopAsync(IExporter exporter)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await exporter.ShutdownAsync(deadline.Token);
    }
}
