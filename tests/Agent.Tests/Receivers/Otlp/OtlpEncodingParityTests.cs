using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using static Agent.Tests.Receivers.Otlp.OtlpHttpTests;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>The same bad item in a protobuf and in an OTLP/JSON request gets the same answer: the rest is kept.</summary>
public class OtlpEncodingParityTests
{
    // 15 bytes: 30 hex digits, which the JSON parser could not read as base64 and refused the whole request for.
    private static readonly byte[] ShortTraceId = Convert.FromHexString("5b8efff798038103d269b633813fc6");

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task A_trace_id_of_the_wrong_length_drops_only_its_span_with_a_partial_success(string encoding)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 3);
        sent.ResourceSpans[0].ScopeSpans[0].Spans[1].TraceId = ByteString.CopyFrom(ShortTraceId);

        var (rejected, message) = await PostAsync(otlp, sent, encoding);

        Assert.Equal(1, rejected);
        Assert.Contains("wrong length", message, StringComparison.Ordinal);
        var spans = Assert.Single(otlp.Traces.Received).Data.ResourceSpans[0].ScopeSpans[0].Spans;
        Assert.Equal(["span-0", "span-2"], spans.Select(s => s.Name));
        Assert.Equal(1, SelfMetrics.RefusedValue(otlp.Name, "http", Agent.Core.Model.Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Links_left_out_for_their_ids_are_counted_by_the_receiver()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 2);
        foreach (var span in sent.ResourceSpans[0].ScopeSpans[0].Spans)
        {
            span.Links.Add(new Span.Types.Link { TraceId = ByteString.CopyFrom(ShortTraceId), SpanId = ByteString.CopyFrom(new byte[8]) });
        }

        var (rejected, message) = await PostAsync(otlp, sent, "protobuf");

        Assert.Equal(0, rejected);
        Assert.Contains("2 links had", message, StringComparison.Ordinal);
        Assert.All(Assert.Single(otlp.Traces.Received).Data.ResourceSpans[0].ScopeSpans[0].Spans, s => Assert.Empty(s.Links));
        Assert.Equal(2, SelfMetrics.ReferencesDroppedValue(otlp.Name, "links"));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task Invalid_utf8_in_one_string_becomes_replacement_characters_and_the_request_is_kept(string encoding)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 3);
        sent.ResourceSpans[0].ScopeSpans[0].Spans[1].Name = "bad-@@-name";

        var (rejected, _) = await PostAsync(otlp, sent, encoding, body => Corrupt(body, "@@"u8));

        Assert.Equal(0, rejected);
        var spans = Assert.Single(otlp.Traces.Received).Data.ResourceSpans[0].ScopeSpans[0].Spans;
        Assert.Equal(["span-0", "bad-\uFFFD\uFFFD-name", "span-2"], spans.Select(s => s.Name));
    }

    /// <summary>Posts in the given encoding (JSON with hex ids, as OTLP/JSON has them) and returns the partial success.</summary>
    private static async Task<(long Rejected, string Message)> PostAsync(
        OtlpTestReceiver otlp, ExportTraceServiceRequest request, string encoding, Func<byte[], byte[]>? tamper = null)
    {
        tamper ??= body => body;
        if (encoding == "protobuf")
        {
            using var response = await OtlpHttpTests.PostAsync(otlp, "/v1/traces", tamper(request.ToByteArray()), "application/x-protobuf");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
            return (answer.PartialSuccess?.RejectedSpans ?? 0, answer.PartialSuccess?.ErrorMessage ?? string.Empty);
        }

        using (var response = await OtlpHttpTests.PostAsync(otlp, "/v1/traces", tamper(Encoding.UTF8.GetBytes(ToOtlpJson(request))), "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!answer.RootElement.TryGetProperty("partialSuccess", out var partial))
            {
                return (0, string.Empty);
            }

            long rejected = partial.TryGetProperty("rejectedSpans", out var count) ? long.Parse(count.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return (rejected, partial.TryGetProperty("errorMessage", out var text) ? text.GetString()! : string.Empty);
        }
    }

    /// <summary>The protobuf JSON mapping with the ids turned from base64 into hex, as OTLP/JSON senders write them.</summary>
    private static string ToOtlpJson(ExportTraceServiceRequest request)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(new JsonFormatter(JsonFormatter.Settings.Default).Format(request))!;
        foreach (var span in json["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]!.AsArray())
        {
            foreach (string id in new[] { "traceId", "spanId" })
            {
                span![id] = Convert.ToHexString(Convert.FromBase64String(span[id]!.GetValue<string>())).ToLowerInvariant();
            }
        }

        return json.ToJsonString();
    }

    /// <summary>Replaces the marker's bytes with 0xFF 0xFE, which are never valid UTF-8.</summary>
    private static byte[] Corrupt(byte[] body, ReadOnlySpan<byte> marker)
    {
        int at = body.AsSpan().IndexOf(marker);
        Assert.True(at >= 0);
        body[at] = 0xFF;
        body[at + 1] = 0xFE;
        return body;
    }
}
