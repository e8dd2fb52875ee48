using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Telemetry;
using Agent.Exporters.Otlp;
using Agent.Tests.Fakes;
using Grpc.Core;

namespace Agent.Tests.Exporters.Otlp;

public sealed class OtlpExporterTests
{
    internal static readonly IReadOnlySet<Signal> AllSignals = new HashSet<Signal> { Signal.Traces, Signal.Metrics, Signal.Logs };

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("gzip")]
    [InlineData("none")]
    public async Task Spans_metrics_and_logs_arrive_unchanged(string compression)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var id = OtlpSamples.UniqueId("otlp");
        // The Collector's own shape: host:port with tls.insecure.
        var exporter = await StartAsync(id, Options(backend.GrpcHostPort, compression));
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
            Assert.All(backend.Requests, r => Assert.Equal(compression == "gzip" ? "gzip" : null, r.ContentEncoding));
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
    public async Task Configured_headers_reach_the_backend()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.GrpcEndpoint.ToString());
        options.Headers["X-Scope-OrgID"] = "tenant-a";
        options.Headers["authorization"] = "Bearer secret";
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            var request = Assert.Single(backend.Requests);
            Assert.Equal("tenant-a", request.Headers["x-scope-orgid"]);
            Assert.Equal("Bearer secret", request.Headers["authorization"]);
            Assert.False(request.Headers.ContainsKey("grpc-internal-encoding-request"));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_auth_block_reaches_a_grpc_backend_over_the_shared_handler()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(backend.GrpcEndpoint.ToString());
        options.Headers["authorization"] = "Bearer from-headers";
        options.Auth = new ClientAuthOptions { BearerToken = "from-auth" };
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal("Bearer from-auth", Assert.Single(backend.Requests).Headers["authorization"]);
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
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), Options($"127.0.0.1:{port}"));
        FakeOtlpBackend? backend = null;
        try
        {
            var notifiers = new List<BatchNotifier>();
            for (int i = 0; i < 3; i++)
            {
                var (batch, done) = OtlpSamples.TracesBatch(2);
                notifiers.Add(done);
                await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);
            }

            // Let the first attempts hit a closed port, then bring the backend up where the exporter points.
            await Task.Delay(300);
            Assert.All(notifiers, n => Assert.False(n.IsCompleted));
            backend = await FakeOtlpBackend.StartAsync(new FakeOtlpBackendOptions { GrpcPort = port });

            foreach (var done in notifiers)
            {
                Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            }

            Assert.Equal(6, backend.SpanCount);
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
    public async Task Unavailable_is_retried_after_the_servers_retry_delay_until_delivered()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(3, StatusCode.Unavailable, retryAfter: TimeSpan.FromMilliseconds(30));
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), Options(backend.GrpcHostPort));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(4);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal(["Unavailable", "Unavailable", "Unavailable", "accepted"], backend.Requests.Select(r => r.Outcome));
            Assert.Equal(4, backend.LogRecordCount);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resource_exhausted_is_retried_only_when_the_server_sends_retry_info(bool withRetryInfo)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(1, StatusCode.ResourceExhausted, retryAfter: withRetryInfo ? TimeSpan.FromMilliseconds(20) : null);
        var id = OtlpSamples.UniqueId("otlp");
        var exporter = await StartAsync(id, Options(backend.GrpcHostPort));
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(2);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            if (withRetryInfo)
            {
                Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
                Assert.Equal(2, backend.Requests.Count);
            }
            else
            {
                Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
                Assert.Single(backend.Requests);
                Assert.Equal(2, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, "permanent"));
            }
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Invalid_argument_rejects_the_batch_at_once_and_counts_it()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.FailNext(1, StatusCode.InvalidArgument, message: "span name too long");
        var id = OtlpSamples.UniqueId("otlp");
        var log = new RecordingLogger();
        var exporter = await StartAsync(id, Options(backend.GrpcHostPort), log);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(3);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
            Assert.Single(backend.Requests);
            Assert.Equal(3, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, "permanent"));
            Assert.Equal(0, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
            Assert.Contains(log.Messages, m => m.Contains("span name too long", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_partial_success_counts_the_refused_items_as_dropped_and_the_rest_as_sent()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.RejectPartiallyNext(1, 2, "2 spans were too old");
        var id = OtlpSamples.UniqueId("otlp");
        var log = new RecordingLogger();
        var exporter = await StartAsync(id, Options(backend.GrpcHostPort), log);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(5);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Single(backend.Requests);
            Assert.Equal(3, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
            Assert.Equal(2, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, "partial_success"));
            Assert.Contains(log.Messages, m => m.Contains("2 spans were too old", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_request_that_outlives_the_timeout_is_abandoned_and_retried()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.StallNext(1, TimeSpan.FromSeconds(30));
        var options = Options(backend.GrpcHostPort);
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var exporter = await StartAsync(OtlpSamples.UniqueId("otlp"), options);
        try
        {
            var (batch, done) = OtlpSamples.MetricsBatch(2);
            await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            await backend.WaitForRequestsAsync(2);
            Assert.Equal(["abandoned", "accepted"], backend.Requests.Select(r => r.Outcome).Order());
            Assert.Single(backend.Metrics);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    private static OtlpExporterOptions Options(string endpoint, string compression = "gzip") => new()
    {
        Endpoint = endpoint,
        Compression = compression,
        Tls = new TlsClientOptions { Insecure = true },
        RetryOnFailure = new RetryOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(50),
            MaxInterval = TimeSpan.FromMilliseconds(200),
            MaxElapsedTime = TimeSpan.FromSeconds(20),
        },
        SendingQueue = new SendingQueueOptions { NumConsumers = 2 },
    };

    internal static async Task<OtlpExporter> StartAsync(ComponentId id, OtlpExporterOptions options, RecordingLogger? log = null)
    {
        var exporter = new OtlpExporter(new TestHost(log).Context(id, options), AllSignals, options);
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }

    internal static async Task StopAsync(IExporter exporter)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await exporter.ShutdownAsync(deadline.Token);
    }
}
