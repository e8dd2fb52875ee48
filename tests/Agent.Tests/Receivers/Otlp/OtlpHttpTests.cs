using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Tests.Receivers.Otlp;

public class OtlpHttpTests
{
    private static readonly HttpClient Client = new();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Protobuf_request_is_delivered_and_answered_with_an_empty_protobuf_response()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 3);

        using var response = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        var batch = Assert.Single(otlp.Traces.Received);
        Assert.Equal(sent, batch.Data);
        Assert.Equal(3, SelfMetrics.AcceptedValue(otlp.Name, "http", Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Gzip_body_is_decompressed()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 2);

        using var response = await PostAsync(otlp, "/v1/traces", Gzip(sent.ToByteArray()), "application/x-protobuf", "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sent, Assert.Single(otlp.Traces.Received).Data);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Http2_with_prior_knowledge_is_served_on_the_same_port_as_http1()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces();

        using var h2 = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf", version: HttpVersion.Version20);
        using var h1 = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf", version: HttpVersion.Version11);

        Assert.Equal(HttpStatusCode.OK, h2.StatusCode);
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal(HttpStatusCode.OK, h1.StatusCode);
        Assert.Equal(HttpVersion.Version11, h1.Version);
        Assert.Equal(2, otlp.Traces.Received.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Unsupported_content_type_is_answered_415()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", "hello"u8.ToArray(), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "unsupported_media_type"));
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Unsupported_content_encoding_is_answered_415()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf", "br");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "unsupported_encoding"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Malformed_protobuf_is_answered_400_with_a_protobuf_status()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        // A length-delimited field 1 that claims 100 bytes but carries 3.
        using var response = await PostAsync(otlp, "/v1/traces", [0x0A, 100, 1, 2, 3], "application/x-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var (code, message) = StatusBody.ParseProtobuf(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, code);
        Assert.Contains("ExportTraceServiceRequest", message, StringComparison.Ordinal);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "malformed"));
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Too_deep_nesting_is_answered_400_in_our_words_not_the_protobuf_librarys()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces();
        var value = new AnyValue { StringValue = "bottom" };
        for (int depth = 0; depth < 150; depth++)
        {
            value = new AnyValue { ArrayValue = new ArrayValue { Values = { value } } };
        }

        sent.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(new KeyValue { Key = "deep", Value = value });

        using var response = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (_, message) = StatusBody.ParseProtobuf(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("nested deeper than the receiver accepts", message, StringComparison.Ordinal);
        Assert.DoesNotContain("CodedInputStream", message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Corrupt_gzip_is_answered_400()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var gzip = Gzip(OtlpSamples.Traces().ToByteArray());
        gzip[12] ^= 0xFF;
        gzip[13] ^= 0xFF;

        using var response = await PostAsync(otlp, "/v1/traces", gzip, "application/x-protobuf", "gzip");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Body_over_the_limit_is_answered_413()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Http!.MaxRequestBodySize = 64 * 1024);
        var sent = OtlpSamples.Traces(spans: 2000);
        Assert.True(sent.CalculateSize() > 64 * 1024);

        using var response = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "too_large"));
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Huge_body_announced_by_content_length_is_refused_before_it_is_sent()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Http!.MaxRequestBodySize = 64 * 1024);
        var content = new ByteArrayContent(new byte[8 * 1024 * 1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, "/v1/traces")) { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Body_without_length_over_the_limit_is_answered_413()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Http!.MaxRequestBodySize = 64 * 1024);
        var content = new StreamContent(new MemoryStream(OtlpSamples.Traces(spans: 2000).ToByteArray()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, "/v1/traces")) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Gzip_bomb_is_refused_with_413_once_the_inflated_size_passes_the_limit()
    {
        // 200 MiB of zeros compress to about 200 KB; the default limit is 64 MiB.
        await using var otlp = await OtlpTestReceiver.StartAsync();
        byte[] bomb = GzipZeros(200 * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024);

        using var response = await PostAsync(otlp, "/v1/traces", bomb, "application/x-protobuf", "gzip");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(otlp.Traces.Received);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Full_pipeline_is_answered_503_with_retry_after()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.BackpressureTimeout = TimeSpan.FromMilliseconds(100));
        otlp.Traces.Full = true;

        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces(spans: 4).ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var (code, _) = StatusBody.ParseProtobuf(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(14, code);
        Assert.Equal(4, SelfMetrics.RefusedValue(otlp.Name, "http", Signal.Traces));

        otlp.Traces.Full = false;
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_client_is_answered_200_once_the_pipeline_took_the_data()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        otlp.Traces.Hold = true;

        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(otlp.Traces.Received);
        otlp.Traces.ReleaseHeld();
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Errored_delivery_is_answered_503()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(OtlpTestReceiver.AnswerOnDelivery);
        otlp.Traces.Decide = _ => DeliveryStatus.Errored;

        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Single(otlp.Traces.Received);

        // The pipeline took the span: accepted, not refused, whatever its delivery (the exporter counts that).
        Assert.Equal(1, SelfMetrics.AcceptedValue(otlp.Name, "http", Signal.Traces));
        Assert.Equal(0, SelfMetrics.RefusedValue(otlp.Name, "http", Signal.Traces));

        otlp.Traces.Decide = _ => DeliveryStatus.Delivered;
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Rejected_delivery_is_answered_400()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(OtlpTestReceiver.AnswerOnDelivery);
        otlp.Traces.Decide = _ => DeliveryStatus.Rejected;

        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        var (code, _) = StatusBody.ParseProtobuf(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, code);

        otlp.Traces.Decide = _ => DeliveryStatus.Delivered;
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Spans_with_ids_of_the_wrong_length_are_dropped_and_reported_as_partial_success()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 3);
        sent.ResourceSpans[0].ScopeSpans[0].Spans[1].TraceId = ByteString.CopyFrom(1, 2, 3);

        using var response = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.NotEmpty(answer.PartialSuccess.ErrorMessage);
        var spans = Assert.Single(otlp.Traces.Received).Data.ResourceSpans[0].ScopeSpans[0].Spans;
        Assert.Equal(["span-0", "span-2"], spans.Select(s => s.Name));
        Assert.Equal(2, SelfMetrics.AcceptedValue(otlp.Name, "http", Signal.Traces));
        Assert.Equal(1, SelfMetrics.RefusedValue(otlp.Name, "http", Signal.Traces));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Signal_without_a_pipeline_is_answered_404_and_wrong_method_405()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(metrics: false);

        using var metrics = await PostAsync(otlp, "/v1/metrics", [], "application/x-protobuf");
        using var get = await Client.GetAsync(new Uri(otlp.HttpAddress, "/v1/traces"));

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Contains("POST", get.Content.Headers.Allow);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Custom_url_paths_are_served()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Http!.LogsUrlPath = "ingest/logs");

        using var custom = await PostAsync(otlp, "/ingest/logs", OtlpSamples.Logs().ToByteArray(), "application/x-protobuf");
        using var standard = await PostAsync(otlp, "/v1/logs", OtlpSamples.Logs().ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, custom.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, standard.StatusCode);
        Assert.Single(otlp.Logs.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Empty_request_is_answered_success_without_entering_the_pipeline()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", [], "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(otlp.Traces.Received);
    }

    internal static async Task AssertStillServesAsync(OtlpTestReceiver otlp)
    {
        int before = otlp.Traces.Received.Count;
        using var response = await PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, otlp.Traces.Received.Count);
    }

    internal static byte[] GzipZeros(int size)
    {
        var zeros = new byte[1024 * 1024];
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            for (int written = 0; written < size; written += zeros.Length)
            {
                gzip.Write(zeros, 0, Math.Min(zeros.Length, size - written));
            }
        }

        return output.ToArray();
    }

    internal static async Task<HttpResponseMessage> PostAsync(
        OtlpTestReceiver otlp, string path, byte[] body, string contentType, string? contentEncoding = null, Version? version = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, path)) { Content = content };
        if (version is not null)
        {
            request.Version = version;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return await Client.SendAsync(request);
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
