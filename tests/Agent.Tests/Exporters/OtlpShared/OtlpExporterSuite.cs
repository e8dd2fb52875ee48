using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using Grpc.Core;
using static Agent.Tests.Exporters.OtlpShared.OtlpExporterUnderTest;

namespace Agent.Tests.Exporters.OtlpShared;

/// <summary>What <c>otlp</c> and <c>otlphttp</c> both promise, each test run over both transports.</summary>
public sealed class OtlpExporterSuite
{
    public static TheoryData<FakeOtlpTransport, string> TransportsAndCompressions => new()
    {
        { FakeOtlpTransport.Grpc, "gzip" },
        { FakeOtlpTransport.Grpc, "none" },
        { FakeOtlpTransport.Http, "gzip" },
        { FakeOtlpTransport.Http, "none" },
    };

    public static TheoryData<FakeOtlpTransport, int> PermanentFailures => new()
    {
        { FakeOtlpTransport.Grpc, (int)StatusCode.InvalidArgument },
        { FakeOtlpTransport.Http, 400 },
        { FakeOtlpTransport.Http, 401 },
        { FakeOtlpTransport.Http, 413 },
        { FakeOtlpTransport.Http, 500 },
    };

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(TransportsAndCompressions))]
    public async Task Spans_metrics_and_logs_arrive_unchanged(FakeOtlpTransport transport, string compression)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var id = OtlpSamples.UniqueId(transport.ToString());
        var exporter = await StartAsync(id, Options(transport, Endpoint(transport, backend), compression));
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
            Assert.All(backend.Requests, r =>
            {
                Assert.Equal(transport, r.Transport);
                Assert.Equal(compression == "gzip" ? "gzip" : null, r.ContentEncoding);
            });
            if (transport == FakeOtlpTransport.Http)
            {
                // OTLP/HTTP: each signal at its own path, as protobuf.
                Assert.Equal(["/v1/logs", "/v1/metrics", "/v1/traces"], backend.Requests.Select(r => r.Path).Order());
                Assert.All(backend.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
            }

            Assert.Equal(3, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
            Assert.Equal(5, SelfMetrics.SentValue(id.ToString(), Signal.Metrics));
            Assert.Equal(5, SelfMetrics.SentValue(id.ToString(), Signal.Logs));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Transports), MemberType = typeof(OtlpExporterUnderTest))]
    public async Task Configured_headers_reach_the_backend(FakeOtlpTransport transport)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        var options = Options(transport, Endpoint(transport, backend));
        options.Headers["X-Scope-OrgID"] = "tenant-a";
        var exporter = await StartAsync(OtlpSamples.UniqueId(transport.ToString()), options);
        try
        {
            var (batch, done) = OtlpSamples.TracesBatch(1);
            await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal("tenant-a", Assert.Single(backend.Requests).Headers["x-scope-orgid"]);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Transports), MemberType = typeof(OtlpExporterUnderTest))]
    public async Task A_backend_that_is_not_up_yet_gets_everything_once_it_starts(FakeOtlpTransport transport)
    {
        int port = FakeOtlpBackend.FreePort();
        var exporter = await StartAsync(OtlpSamples.UniqueId(transport.ToString()), Options(transport, Endpoint(transport, port)));
        FakeOtlpBackend? backend = null;
        try
        {
            var notifiers = new List<BatchNotifier>();
            using (var refusing = RefusingPort.Open(port))
            {
                for (int i = 0; i < 3; i++)
                {
                    var (batch, done) = OtlpSamples.TracesBatch(2);
                    notifiers.Add(done);
                    await exporter.Traces!.ConsumeAsync(batch, CancellationToken.None);
                }

                // Attempts reached the port and failed before any backend listened there.
                await refusing.WaitForConnectionsAsync(2);
                Assert.All(notifiers, n => Assert.False(n.IsCompleted));
            }

            backend = await FakeOtlpBackend.StartAsync(BackendOn(transport, port));
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

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Transports), MemberType = typeof(OtlpExporterUnderTest))]
    public async Task A_retryable_failure_is_retried_after_the_servers_delay_until_delivered(FakeOtlpTransport transport)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        string failure = FailTransiently(transport, backend, 3, TimeSpan.FromMilliseconds(30));
        var exporter = await StartAsync(OtlpSamples.UniqueId(transport.ToString()), Options(transport, Endpoint(transport, backend)));
        try
        {
            var (batch, done) = OtlpSamples.LogsBatch(4);
            await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
            Assert.Equal([failure, failure, failure, "accepted"], backend.Requests.Select(r => r.Outcome));
            Assert.Equal(4, backend.LogRecordCount);
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(PermanentFailures))]
    public async Task A_permanent_failure_rejects_the_batch_at_once_and_counts_it(FakeOtlpTransport transport, int code)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        FailPermanently(transport, backend, code, "metric name is invalid");
        var id = OtlpSamples.UniqueId(transport.ToString());
        var log = new RecordingLogger();
        var exporter = await StartAsync(id, Options(transport, Endpoint(transport, backend)), log);
        try
        {
            var (batch, done) = OtlpSamples.MetricsBatch(2);
            await exporter.Metrics!.ConsumeAsync(batch, CancellationToken.None);

            Assert.Equal(DeliveryStatus.Rejected, await done.Outcome());
            Assert.Single(backend.Requests);
            Assert.Equal(3, SelfMetrics.SendFailedValue(id.ToString(), Signal.Metrics, "permanent"));
            Assert.Equal(0, SelfMetrics.SentValue(id.ToString(), Signal.Metrics));
            Assert.Contains(log.Messages, m => m.Contains("metric name is invalid", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(exporter);
        }
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Transports), MemberType = typeof(OtlpExporterUnderTest))]
    public async Task A_partial_success_counts_the_refused_items_as_dropped_and_the_rest_as_sent(FakeOtlpTransport transport)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.RejectPartiallyNext(1, 2, "2 spans were too old");
        var id = OtlpSamples.UniqueId(transport.ToString());
        var log = new RecordingLogger();
        var exporter = await StartAsync(id, Options(transport, Endpoint(transport, backend)), log);
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

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Transports), MemberType = typeof(OtlpExporterUnderTest))]
    public async Task A_request_that_outlives_the_timeout_is_abandoned_and_retried(FakeOtlpTransport transport)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        backend.StallNext(1, TimeSpan.FromSeconds(30));
        var options = Options(transport, Endpoint(transport, backend));
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var exporter = await StartAsync(OtlpSamples.UniqueId(transport.ToString()), options);
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
}
