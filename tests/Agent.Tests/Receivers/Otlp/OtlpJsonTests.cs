using System.Net;
using System.Text;
using System.Text.Json;
using OpenTelemetry.Proto.Trace.V1;
using static Agent.Tests.Receivers.Otlp.OtlpHttpTests;
using static Agent.Tests.Receivers.Otlp.OtlpSdkTraceTests;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>OTLP/JSON as browsers and Node send it (@opentelemetry/exporter-*-otlp-http): hex ids, camelCase,
/// enums as numbers, 64-bit times as decimal strings, fields this version does not know.</summary>
public class OtlpJsonTests
{
    private const string JsTraces = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}],"droppedAttributesCount":0},
        "scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-fetch","version":"0.57.0"},
        "spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"EEE19B7EC3C1B173",
        "name":"HTTP GET","kind":3,"startTimeUnixNano":"1700000000000000001","endTimeUnixNano":"1700000000123456789",
        "attributes":[{"key":"http.status_code","value":{"intValue":200}},{"key":"http.url","value":{"stringValue":"https://example.com/é"}},
        {"key":"ratio","value":{"doubleValue":0.5}},{"key":"ok","value":{"boolValue":true}},{"key":"big","value":{"intValue":"9007199254740993"}}],
        "droppedAttributesCount":0,
        "events":[{"attributes":[],"name":"fetchStart","timeUnixNano":"1700000000000100000","droppedAttributesCount":0}],"droppedEventsCount":0,
        "status":{"code":2,"message":"boom"},
        "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[],"droppedAttributesCount":0,"flags":257}],
        "droppedLinksCount":0,"flags":257,"aFieldFromTheFuture":{"x":1}}]}]}]}
        """;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Json_from_the_javascript_exporter_is_decoded_with_hex_ids_and_answered_in_json()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", Encoding.UTF8.GetBytes(JsTraces), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using (var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Empty(answer.RootElement.EnumerateObject());
        }

        var group = Assert.Single(Assert.Single(otlp.Traces.Received).Data.ResourceSpans);
        Assert.Equal("web", Attribute(group.Resource.Attributes, "service.name").StringValue);
        var scope = Assert.Single(group.ScopeSpans);
        Assert.Equal("0.57.0", scope.Scope.Version);
        var span = Assert.Single(scope.Spans);
        Assert.Equal("5b8efff798038103d269b633813fc60c", Convert.ToHexStringLower(span.TraceId.Span));
        Assert.Equal("eee19b7ec3c1b174", Convert.ToHexStringLower(span.SpanId.Span));
        Assert.Equal("eee19b7ec3c1b173", Convert.ToHexStringLower(span.ParentSpanId.Span));
        Assert.Equal(Span.Types.SpanKind.Client, span.Kind);
        Assert.Equal(1700000000000000001UL, span.StartTimeUnixNano);
        Assert.Equal(1700000000123456789UL, span.EndTimeUnixNano);
        Assert.Equal(200, Attribute(span.Attributes, "http.status_code").IntValue);
        Assert.Equal(9007199254740993, Attribute(span.Attributes, "big").IntValue);
        Assert.Equal("https://example.com/é", Attribute(span.Attributes, "http.url").StringValue);
        Assert.Equal(0.5, Attribute(span.Attributes, "ratio").DoubleValue);
        Assert.True(Attribute(span.Attributes, "ok").BoolValue);
        Assert.Equal(1700000000000100000UL, Assert.Single(span.Events).TimeUnixNano);
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal("boom", span.Status.Message);
        var link = Assert.Single(span.Links);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", Convert.ToHexStringLower(link.TraceId.Span));
        Assert.Equal("b7ad6b7169203331", Convert.ToHexStringLower(link.SpanId.Span));
        Assert.Equal(257U, span.Flags);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Json_gzip_body_with_charset_parameter_is_accepted()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", Gzip(Encoding.UTF8.GetBytes(JsTraces)), "application/json; charset=utf-8", "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(otlp.Traces.Received);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Json_logs_and_metrics_carry_hex_ids_too()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        const string logs = """
            {"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1700000000000000000",
            "observedTimeUnixNano":"1700000000000000005","severityNumber":9,"severityText":"INFO","body":{"stringValue":"hi"},
            "attributes":[],"droppedAttributesCount":0,"flags":1,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}
            """;
        const string metrics = """
            {"resourceMetrics":[{"resource":{},"scopeMetrics":[{"scope":{"name":"m"},"metrics":[{"name":"requests","sum":{
            "dataPoints":[{"attributes":[],"startTimeUnixNano":"1700000000000000000","timeUnixNano":"1700000001000000000","asInt":"42",
            "exemplars":[{"timeUnixNano":"1700000000500000000","asDouble":1.5,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}],
            "aggregationTemporality":2,"isMonotonic":true}}]}]}]}
            """;

        using var logsResponse = await PostAsync(otlp, "/v1/logs", Encoding.UTF8.GetBytes(logs), "application/json");
        using var metricsResponse = await PostAsync(otlp, "/v1/metrics", Encoding.UTF8.GetBytes(metrics), "application/json");

        Assert.Equal(HttpStatusCode.OK, logsResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsResponse.StatusCode);
        var record = Assert.Single(otlp.Logs.Received).Data.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal(OtlpSamples.TraceId, record.TraceId.ToByteArray());
        Assert.Equal(OtlpSamples.SpanId, record.SpanId.ToByteArray());
        Assert.Equal(1700000000000000005UL, record.ObservedTimeUnixNano);
        var point = Assert.Single(otlp.Metrics.Received).Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Sum.DataPoints[0];
        Assert.Equal(42, point.AsInt);
        Assert.Equal(OtlpSamples.TraceId, point.Exemplars[0].TraceId.ToByteArray());
        Assert.Equal(OtlpSamples.SpanId, point.Exemplars[0].SpanId.ToByteArray());
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("{\"resourceSpans\":[{")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"not-hex-at-all!\"}]}]}]}")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz8efff798038103d269b633813fc60c\"}]}]}]}")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}")]
    [InlineData("[1,2,3]")]
    public async Task Malformed_json_is_answered_400_with_a_json_status(string body)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var response = await PostAsync(otlp, "/v1/traces", Encoding.UTF8.GetBytes(body), "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (code, message) = StatusBody.ParseJson(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, code);
        Assert.NotEmpty(message);
        Assert.Empty(otlp.Traces.Received);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Partial_success_is_answered_in_json()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        string body = JsTraces.Replace("\"spanId\":\"eee19b7ec3c1b174\"", "\"spanId\":\"eee19b7e\"", StringComparison.Ordinal);

        using var response = await PostAsync(otlp, "/v1/traces", Encoding.UTF8.GetBytes(body), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var partial = answer.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").GetString());
        Assert.NotEmpty(partial.GetProperty("errorMessage").GetString()!);
    }
}
