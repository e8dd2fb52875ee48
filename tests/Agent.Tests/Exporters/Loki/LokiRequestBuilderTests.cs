using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Exporters.Loki.Logproto;
using Agent.Tests.Fakes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Snappier;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

public class LokiRequestBuilderTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";

    [Fact]
    public void Raw_chunk_encodes_to_the_bytes_the_generated_logproto_code_writes()
    {
        using var chunk = Chunk(
            PodResource(),
            new RawLine(BaseTime, "GET /cart 200", LogStream.Stdout, Severity: 9),
            new RawLine(BaseTime + 1_000, $"boom trace_id={TraceId} span_id={SpanId}", LogStream.Stderr, Severity: 17, TraceId, SpanId),
            new RawLine(BaseTime + 2_000, "GET /cart 404", LogStream.Stdout, Severity: 10));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        var pushes = Encode(new LokiExporterOptions { Endpoint = "http://loki" }, batch);

        var push = Assert.Single(pushes);
        var podUid = Pair("k8s_pod_uid", "0b8e5c2a-1111-2222-3333-444455556666");
        var expected = new PushRequest
        {
            Streams =
            {
                Stream(
                    "{container=\"api\", level=\"info\", namespace=\"shop\", pod=\"api-7d9f\"}",
                    Entry(BaseTime, "GET /cart 200", podUid, Pair("log_iostream", "stdout")),
                    Entry(BaseTime + 2_000, "GET /cart 404", podUid, Pair("log_iostream", "stdout"))),
                Stream(
                    "{container=\"api\", level=\"error\", namespace=\"shop\", pod=\"api-7d9f\"}",
                    Entry(BaseTime + 1_000, $"boom trace_id={TraceId} span_id={SpanId}", podUid, Pair("log_iostream", "stderr"), Pair("trace_id", TraceId), Pair("span_id", SpanId))),
            },
        };
        Assert.Equal(expected.ToByteArray(), Snappy.DecompressToArray(push.Body.Span));
        Assert.Equal(expected, FakeLokiDecoding.DecodeProtobufRequest(push.Body.Span));
        Assert.Equal(3, push.Entries);
        Assert.Null(push.Tenant);
        Assert.Equal("application/x-protobuf", push.ContentType);
    }

    [Fact]
    public void Entries_of_a_stream_are_sorted_by_time_keeping_the_order_of_equal_times()
    {
        using var chunk = Chunk(
            PodResource(),
            new RawLine(BaseTime + 30, "c"),
            new RawLine(BaseTime + 10, "a1"),
            new RawLine(BaseTime + 20, "b"),
            new RawLine(BaseTime + 10, "a2"),
            new RawLine(BaseTime - 5, "first"));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        var request = FakeLokiDecoding.DecodeProtobufRequest(Assert.Single(Encode(new LokiExporterOptions { Endpoint = "http://loki" }, batch)).Body.Span);

        var stream = Assert.Single(request.Streams);
        Assert.Equal(["first", "a1", "a2", "b", "c"], stream.Entries.Select(e => e.Line));
        Assert.Equal(
            [BaseTime - 5, BaseTime + 10, BaseTime + 10, BaseTime + 20, BaseTime + 30],
            stream.Entries.Select(e => (e.Timestamp.Seconds * 1_000_000_000L) + e.Timestamp.Nanos));
    }

    [Theory]
    [InlineData(LokiEncoding.Protobuf)]
    [InlineData(LokiEncoding.Json)]
    public void A_batch_larger_than_max_request_bytes_goes_out_as_several_pushes_each_within_the_cap(LokiEncoding encoding)
    {
        var lines = Enumerable.Range(0, 200)
            .Select(i => new RawLine(BaseTime + i, $"line {i:D4} " + new string('x', 100), Severity: (byte)(i % 3 == 0 ? 17 : 9)))
            .ToArray();
        using var chunk = Chunk(PodResource(), lines);
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);
        var options = new LokiExporterOptions { Endpoint = "http://loki", MaxRequestBytes = 4096, Encoding = encoding };

        var pushes = Encode(options, batch);

        Assert.True(pushes.Count > 5, $"expected several pushes, got {pushes.Count}");
        Assert.All(pushes, push => Assert.True(Uncompressed(push).Length <= 4096));
        var received = pushes.SelectMany(push => FakeLokiDecoding.Decode(push.ContentType, null, push.Body.ToArray()))
            .SelectMany(stream => stream.Entries.Select(entry => (stream.Selector, entry.Line)))
            .ToList();
        Assert.Equal(200, received.Count);
        Assert.Equal(200, pushes.Sum(push => push.Entries));
        var info = received.Where(r => r.Selector.Contains("level=\"info\"", StringComparison.Ordinal)).Select(r => r.Line).ToList();
        Assert.Equal(lines.Where(l => l.Severity == 9).Select(l => l.Text), info);
    }

    [Fact]
    public void Tenant_from_attribute_splits_pushes_by_tenant_and_falls_back_to_the_fixed_value()
    {
        using var shop = Chunk(PodResource(ns: "shop"), new RawLine(BaseTime, "a"));
        using var billing = Chunk(PodResource(ns: "billing"), new RawLine(BaseTime, "b"));
        var noNamespace = new OpenTelemetry.Proto.Resource.V1.Resource();
        Add(noNamespace.Attributes, "service.name", "cron");
        using var other = Chunk(noNamespace, new RawLine(BaseTime, "c"));
        using var shopAgain = Chunk(PodResource(ns: "shop", pod: "api-2"), new RawLine(BaseTime, "d"));
        var batch = new LogsBatch();
        batch.Raw.AddRange([shop, billing, other, shopAgain]);
        var options = new LokiExporterOptions
        {
            Endpoint = "http://loki",
            Tenant = new LokiTenantOptions { FromAttribute = "k8s.namespace.name", Value = "platform" },
        };

        var pushes = Encode(options, batch);

        Assert.Equal(["shop", "billing", "platform"], pushes.Select(p => p.Tenant));
        var lines = pushes.Select(p => string.Join(",", FakeLokiDecoding.DecodeProtobufRequest(p.Body.Span).Streams.SelectMany(s => s.Entries).Select(e => e.Line)));
        Assert.Equal(["a,d", "b", "c"], lines);
    }

    [Fact]
    public void Json_encoding_carries_the_same_streams_entries_and_metadata_as_protobuf()
    {
        using var chunk = Chunk(
            PodResource(extra: ("service.name", "api")),
            new RawLine(BaseTime, "say \"hi\"\n\tbye \u00e9", LogStream.Stderr, Severity: 13, TraceId: null),
            new RawLine(BaseTime + 7, $"x trace_id={TraceId}", TraceId: TraceId));
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        var proto = Assert.Single(Encode(new LokiExporterOptions { Endpoint = "http://loki" }, batch));
        var json = Assert.Single(Encode(new LokiExporterOptions { Endpoint = "http://loki", Encoding = LokiEncoding.Json }, batch));

        Assert.Equal("application/json", json.ContentType);
        var fromProto = Flatten(FakeLokiDecoding.Decode("application/x-protobuf", null, proto.Body.ToArray()));
        var fromJson = Flatten(FakeLokiDecoding.Decode("application/json", null, json.Body.ToArray()));
        Assert.Equal(fromProto, fromJson);
        Assert.Contains(fromJson, e => e.Contains("say \"hi\"\n\tbye \u00e9", StringComparison.Ordinal));
    }

    private static byte[] Uncompressed(LokiPush push) =>
        push.ContentType == "application/json" ? push.Body.ToArray() : Snappy.DecompressToArray(push.Body.Span);

    internal static List<LokiPush> Encode(LokiExporterOptions options, LogsBatch batch)
    {
        using var builder = new LokiRequestBuilder(new LokiLabelMapper(options), options);
        builder.Plan(batch);
        var pushes = new List<LokiPush>();
        while (builder.TryBuildNext(out var push))
        {
            // The body is reused by the next push: keep a copy.
            pushes.Add(push with { Body = push.Body.ToArray() });
        }

        return pushes;
    }

    private static List<string> Flatten(List<FakeLokiStream> streams) =>
        streams.SelectMany(stream => stream.Entries.Select(entry =>
                $"{stream.Selector}|{entry.TimeUnixNano}|{entry.Line}|{string.Join(";", entry.Metadata.Select(p => p.Key + "=" + p.Value))}"))
            .ToList();

    private static StreamAdapter Stream(string labels, params EntryAdapter[] entries)
    {
        var stream = new StreamAdapter { Labels = labels };
        stream.Entries.AddRange(entries);
        return stream;
    }

    private static EntryAdapter Entry(long unixNano, string line, params LabelPairAdapter[] metadata)
    {
        var entry = new EntryAdapter
        {
            Timestamp = new Timestamp { Seconds = unixNano / 1_000_000_000, Nanos = (int)(unixNano % 1_000_000_000) },
            Line = line,
        };
        entry.StructuredMetadata.AddRange(metadata);
        return entry;
    }

    private static LabelPairAdapter Pair(string name, string value) => new() { Name = name, Value = value };
}
