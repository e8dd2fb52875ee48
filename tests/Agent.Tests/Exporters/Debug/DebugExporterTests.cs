using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.Debug;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Exporters.Debug;

public sealed class DebugExporterTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Basic_writes_one_line_per_batch_with_its_counts_and_completes_it()
    {
        var log = new RecordingLogger();
        var id = OtlpSamples.UniqueId("debug");
        var exporter = new DebugExporter(new TestHost(log).Context(id, new object()), new DebugExporterOptions());
        var (batch, done) = OtlpSamples.TracesBatch(3);

        await exporter.Traces.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        var line = Assert.Single(log.Messages);
        Assert.Contains("traces: 1 resource groups, 3 spans", line, StringComparison.Ordinal);
        Assert.Equal(3, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Normal_adds_one_line_per_record()
    {
        var log = new RecordingLogger();
        var exporter = new DebugExporter(new TestHost(log).Context(OtlpSamples.UniqueId("debug"), new object()), new DebugExporterOptions { Verbosity = DebugVerbosity.Normal });

        await exporter.Traces.ConsumeAsync(OtlpSamples.TracesBatch(3).Batch, CancellationToken.None);
        await exporter.Metrics.ConsumeAsync(OtlpSamples.MetricsBatch(2).Batch, CancellationToken.None);
        await exporter.Logs.ConsumeAsync(OtlpSamples.LogsBatch(2).Batch, CancellationToken.None);

        var messages = log.Messages.ToList();
        string[] spans = messages[1].Split('\n');
        Assert.Equal(3, spans.Length);
        Assert.StartsWith("GET /cart/0 0102030405060708090a0b0c0d0e0f10 0102030405060708 kind=Server duration=2.5ms status=Ok", spans[0], StringComparison.Ordinal);
        Assert.Contains("http.response.status_code=Int(200)", spans[0], StringComparison.Ordinal);

        string[] points = messages[3].Split('\n');
        Assert.Equal(3, points.Length);
        Assert.Equal("http.server.requests{route=Str(/r0)} 10", points[0]);
        Assert.StartsWith("http.server.duration count=3 sum=12.5 buckets=[1,2,0] bounds=[5,10]", points[2], StringComparison.Ordinal);

        string[] records = messages[5].Split('\n');
        Assert.Equal(2, records.Length);
        Assert.Contains("WARN Str(payment retry 1) order.id=Str(o-1)", records[1], StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Detailed_dumps_resources_scopes_and_every_field()
    {
        var log = new RecordingLogger();
        var exporter = new DebugExporter(new TestHost(log).Context(OtlpSamples.UniqueId("debug"), new object()), new DebugExporterOptions { Verbosity = DebugVerbosity.Detailed });

        await exporter.Traces.ConsumeAsync(OtlpSamples.TracesBatch(1).Batch, CancellationToken.None);

        string dump = log.Messages.Last();
        Assert.Contains("-> service.name: Str(checkout)", dump, StringComparison.Ordinal);
        Assert.Contains("-> host.cpu.count: Int(4)", dump, StringComparison.Ordinal);
        Assert.Contains("InstrumentationScope shop.tracer 1.2.0", dump, StringComparison.Ordinal);
        Assert.Contains("Trace ID        : 0102030405060708090a0b0c0d0e0f10", dump, StringComparison.Ordinal);
        Assert.Contains("Start time      : 2024-05-29 16:26:40.000000000 +0000 UTC", dump, StringComparison.Ordinal);
        Assert.Contains("-> http.request.method: Str(GET)", dump, StringComparison.Ordinal);
        Assert.Contains("SpanEvent #0", dump, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Raw_file_lines_are_shown_like_any_log_record()
    {
        var log = new RecordingLogger();
        var exporter = new DebugExporter(new TestHost(log).Context(OtlpSamples.UniqueId("debug"), new object()), new DebugExporterOptions { Verbosity = DebugVerbosity.Normal });
        var chunk = new RawLogChunk(new Resource());
        byte[] line = "disk almost full"u8.ToArray();
        line.CopyTo(chunk.GetSpan(line.Length));
        chunk.Advance(line.Length);
        chunk.Add(new RawLogEntry { TimeUnixNano = 1_000_000_000, Offset = 0, Length = line.Length, Stream = LogStream.Stderr, LevelOffset = -1, TraceIdOffset = -1, SpanIdOffset = -1 });
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        await exporter.Logs.ConsumeAsync(batch, CancellationToken.None);

        Assert.Contains("logs: 1 resource groups, 1 log_records", log.Messages.First(), StringComparison.Ordinal);
        Assert.Contains("Str(disk almost full) log.iostream=Str(stderr)", log.Messages.Last(), StringComparison.Ordinal);
        chunk.Dispose();
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Sampling_writes_the_first_batches_of_a_second_then_one_in_n_but_counts_all()
    {
        var log = new RecordingLogger();
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var id = OtlpSamples.UniqueId("debug");
        var exporter = new DebugExporter(new TestHost(log).Context(id, new object()), new DebugExporterOptions { SamplingInitial = 2, SamplingThereafter = 3 }, clock);

        for (int i = 0; i < 8; i++)
        {
            await exporter.Logs.ConsumeAsync(OtlpSamples.LogsBatch(1).Batch, CancellationToken.None);
        }

        // Batches 1, 2 (initial), then 5 and 8 (every third after those).
        Assert.Equal(4, log.Messages.Count());
        clock.Advance(TimeSpan.FromSeconds(1));
        await exporter.Logs.ConsumeAsync(OtlpSamples.LogsBatch(1).Batch, CancellationToken.None);
        Assert.Equal(5, log.Messages.Count());
        Assert.Equal(9, SelfMetrics.SentValue(id.ToString(), Signal.Logs));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_the_internal_logger_it_writes_to_the_output()
    {
        var log = new RecordingLogger();
        using var output = new StringWriter();
        var exporter = new DebugExporter(new TestHost(log).Context(OtlpSamples.UniqueId("debug"), new object()), new DebugExporterOptions { UseInternalLogger = false, Verbosity = DebugVerbosity.Normal }, output: output);

        await exporter.Metrics.ConsumeAsync(OtlpSamples.MetricsBatch(1).Batch, CancellationToken.None);

        Assert.Empty(log.Messages);
        Assert.Contains("http.server.requests{route=Str(/r0)} 10", output.ToString(), StringComparison.Ordinal);
    }
}
