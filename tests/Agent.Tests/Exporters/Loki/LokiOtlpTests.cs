using System.Text.Json;
using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Tests.Fakes;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

/// <summary>OTLP records and the line formats, checked on what the encoder writes (decoded as Loki decodes it).</summary>
public class LokiOtlpTests
{
    public const long RecordTime = 1_700_000_123_000_000_042;

    public static LogsBatch OtlpBatch(Action<LogRecord>? change = null)
    {
        var resource = new Resource();
        Add(resource.Attributes, "service.name", "payments");
        Add(resource.Attributes, "cloud.region", "us-east");
        var record = new LogRecord
        {
            TimeUnixNano = RecordTime,
            SeverityNumber = SeverityNumber.Warn,
            Body = new AnyValue { StringValue = "card declined" },
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)i).ToArray()),
        };
        record.Attributes.Add(new KeyValue { Key = "http.status", Value = new AnyValue { IntValue = 42 } });
        change?.Invoke(record);
        var scope = new ScopeLogs();
        scope.LogRecords.Add(record);
        var group = new ResourceLogs { Resource = resource };
        group.ScopeLogs.Add(scope);
        var batch = new LogsBatch();
        batch.Data.ResourceLogs.Add(group);
        return batch;
    }

    [Fact]
    public void Record_attributes_that_name_labels_move_the_record_to_its_own_stream()
    {
        var batch = OtlpBatch(record => Add(record.Attributes, "k8s.namespace.name", "payments-ns"));

        var entry = Assert.Single(Decode(new LokiExporterOptions(), batch));

        Assert.Equal("{job=\"payments\", level=\"warn\", namespace=\"payments-ns\", service_name=\"payments\"}", entry.Selector);
        Assert.DoesNotContain(entry.Metadata, pair => pair.Key == "k8s_namespace_name");
    }

    [Theory]
    [InlineData(SeverityNumber.Unspecified, "WARNING", "warn")]
    [InlineData(SeverityNumber.Unspecified, "err", "error")]
    [InlineData(SeverityNumber.Fatal2, "", "fatal")]
    [InlineData(SeverityNumber.Debug, "", "debug")]
    public void Level_comes_from_the_severity_number_or_else_the_text(SeverityNumber number, string text, string level)
    {
        var batch = OtlpBatch(record =>
        {
            record.SeverityNumber = number;
            record.SeverityText = text;
        });

        var entry = Assert.Single(Decode(new LokiExporterOptions(), batch));

        Assert.Contains($"level=\"{level}\"", entry.Selector, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_level_label_the_level_goes_into_metadata_and_a_record_without_time_uses_the_observed_time()
    {
        var batch = OtlpBatch(record =>
        {
            record.TimeUnixNano = 0;
            record.ObservedTimeUnixNano = RecordTime + 5;
        });
        var options = new LokiExporterOptions { Labels = ["service_name"] };

        var entry = Assert.Single(Decode(options, batch));

        Assert.Equal("{service_name=\"payments\"}", entry.Selector);
        Assert.Equal(RecordTime + 5, entry.TimeUnixNano);
        Assert.Contains(new KeyValuePair<string, string>("level", "warn"), entry.Metadata);
    }

    [Fact]
    public void Json_line_format_holds_body_severity_ids_and_attributes()
    {
        var batch = OtlpBatch(record => record.Body = new AnyValue
        {
            KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "msg", Value = new AnyValue { StringValue = "declined" } } } },
        });

        var entry = Assert.Single(Decode(new LokiExporterOptions { Format = LokiLineFormat.Json }, batch));

        using var line = JsonDocument.Parse(entry.Line);
        Assert.Equal("declined", line.RootElement.GetProperty("body").GetProperty("msg").GetString());
        Assert.Equal("warn", line.RootElement.GetProperty("severity").GetString());
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", line.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal("0102030405060708", line.RootElement.GetProperty("span_id").GetString());
        Assert.Equal(42, line.RootElement.GetProperty("attributes").GetProperty("http.status").GetInt64());
    }

    [Fact]
    public void Logfmt_line_format_quotes_only_what_needs_quotes()
    {
        var entry = Assert.Single(Decode(new LokiExporterOptions { Format = LokiLineFormat.Logfmt }, OtlpBatch()));

        Assert.Equal(
            "body=\"card declined\" severity=warn trace_id=0102030405060708090a0b0c0d0e0f10 span_id=0102030405060708 http.status=42",
            entry.Line);
    }

    [Fact]
    public void Raw_lines_in_json_and_logfmt_formats()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        string text = $"GET /cart \"200\" trace_id={traceId}";

        using var jsonChunk = Chunk(PodResource(), new RawLine(BaseTime, text, LogStream.Stderr, Severity: 9, TraceId: traceId));
        var jsonBatch = new LogsBatch();
        jsonBatch.Raw.Add(jsonChunk);
        var json = Assert.Single(Decode(new LokiExporterOptions { Format = LokiLineFormat.Json }, jsonBatch));
        using var line = JsonDocument.Parse(json.Line);
        Assert.Equal(text, line.RootElement.GetProperty("body").GetString());
        Assert.Equal("info", line.RootElement.GetProperty("severity").GetString());
        Assert.Equal(traceId, line.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal("stderr", line.RootElement.GetProperty("attributes").GetProperty("log.iostream").GetString());

        var logfmt = Assert.Single(Decode(new LokiExporterOptions { Format = LokiLineFormat.Logfmt }, jsonBatch));
        Assert.Equal($"body=\"GET /cart \\\"200\\\" trace_id={traceId}\" severity=info trace_id={traceId} log.iostream=stderr", logfmt.Line);
        Assert.Equal(traceId, logfmt.Metadata.Single(pair => pair.Key == "trace_id").Value);
    }

    private static List<(string Selector, long TimeUnixNano, string Line, IReadOnlyList<KeyValuePair<string, string>> Metadata)> Decode(LokiExporterOptions options, LogsBatch batch)
    {
        options.Endpoint = "http://loki";
        return LokiRequestBuilderTests.Encode(options, batch)
            .SelectMany(push => FakeLokiDecoding.Decode(push.ContentType, null, push.Body.ToArray()))
            .SelectMany(stream => stream.Entries.Select(entry => (stream.Selector, entry.TimeUnixNano, entry.Line, entry.Metadata)))
            .ToList();
    }
}
