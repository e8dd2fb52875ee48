using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>Spans exported by the real OpenTelemetry .NET SDK arrive unchanged, over gRPC and over HTTP/protobuf.</summary>
public class OtlpSdkTraceTests
{
    private static readonly DateTime Start = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_arrive_with_ids_names_kinds_times_attributes_events_links_and_status(OtlpExportProtocol protocol)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var source = new ActivitySource("otlp-receiver-tests." + Guid.NewGuid().ToString("N"), "4.5.6");
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var ended = new List<Activity>();

        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout", serviceVersion: "1.2.3").AddAttributes([new("deployment.environment", "test")]))
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? otlp.GrpcAddress : new Uri(otlp.HttpAddress, "/v1/traces");
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var server = source.StartActivity(
                "GET /orders",
                ActivityKind.Server,
                parentContext: default,
                tags: [new("http.method", "GET"), new("http.status_code", 500L), new("ratio", 0.25), new("cached", true), new("tags", new[] { "a", "b" })],
                links: [new ActivityLink(linked, new ActivityTagsCollection { ["link.reason"] = "retry" })],
                startTime: Start)!)
            {
                server.AddEvent(new ActivityEvent("exception", Start.AddMilliseconds(5), new ActivityTagsCollection { ["exception.type"] = "Timeout" }));
                server.SetStatus(ActivityStatusCode.Error, "upstream timed out");
                foreach (var kind in new[] { ActivityKind.Client, ActivityKind.Producer, ActivityKind.Consumer, ActivityKind.Internal })
                {
                    var child = source.StartActivity($"child-{kind}", kind, server.Context, startTime: Start.AddMilliseconds(1))!;
                    child.SetEndTime(Start.AddMilliseconds(2));
                    child.Stop();
                    ended.Add(child);
                }

                server.SetEndTime(Start.AddMilliseconds(10));
                server.Stop();
                ended.Add(server);
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var groups = otlp.Traces.Received.SelectMany(b => b.Data.ResourceSpans).ToList();
        Assert.All(groups, g => Assert.Equal("checkout", Attribute(g.Resource.Attributes, "service.name").StringValue));
        Assert.All(groups, g => Assert.Equal("test", Attribute(g.Resource.Attributes, "deployment.environment").StringValue));
        var received = groups.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans.Select(span => (s.Scope, span))).ToList();
        Assert.Equal(ended.Count, received.Count);
        foreach (var activity in ended)
        {
            var (scope, span) = Assert.Single(received, r => r.span.Name == activity.DisplayName);
            Assert.Equal(source.Name, scope.Name);
            Assert.Equal("4.5.6", scope.Version);
            Assert.Equal(activity.TraceId.ToHexString(), Convert.ToHexStringLower(span.TraceId.Span));
            Assert.Equal(activity.SpanId.ToHexString(), Convert.ToHexStringLower(span.SpanId.Span));
            Assert.Equal(activity.ParentSpanId == default ? string.Empty : activity.ParentSpanId.ToHexString(), Convert.ToHexStringLower(span.ParentSpanId.Span));
            Assert.Equal(KindOf(activity.Kind), span.Kind);
            Assert.Equal(UnixNanos(activity.StartTimeUtc), span.StartTimeUnixNano);
            Assert.Equal(UnixNanos(activity.StartTimeUtc + activity.Duration), span.EndTimeUnixNano);
        }

        var root = Assert.Single(received, r => r.span.Name == "GET /orders").span;
        Assert.Equal("GET", Attribute(root.Attributes, "http.method").StringValue);
        Assert.Equal(500, Attribute(root.Attributes, "http.status_code").IntValue);
        Assert.Equal(0.25, Attribute(root.Attributes, "ratio").DoubleValue);
        Assert.True(Attribute(root.Attributes, "cached").BoolValue);
        Assert.Equal(["a", "b"], Attribute(root.Attributes, "tags").ArrayValue.Values.Select(v => v.StringValue));
        var ev = Assert.Single(root.Events);
        Assert.Equal("exception", ev.Name);
        Assert.Equal(UnixNanos(Start.AddMilliseconds(5)), ev.TimeUnixNano);
        Assert.Equal("Timeout", Attribute(ev.Attributes, "exception.type").StringValue);
        var link = Assert.Single(root.Links);
        Assert.Equal(linked.TraceId.ToHexString(), Convert.ToHexStringLower(link.TraceId.Span));
        Assert.Equal(linked.SpanId.ToHexString(), Convert.ToHexStringLower(link.SpanId.Span));
        Assert.Equal("retry", Attribute(link.Attributes, "link.reason").StringValue);
        Assert.Equal(OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error, root.Status.Code);
        Assert.Equal("upstream timed out", root.Status.Message);
    }

    internal static AnyValue Attribute(IEnumerable<KeyValue> attributes, string key) => Assert.Single(attributes, a => a.Key == key).Value;

    internal static ulong UnixNanos(DateTime utc) => (ulong)(utc - DateTime.UnixEpoch).Ticks * 100;

    private static Span.Types.SpanKind KindOf(ActivityKind kind) => kind switch
    {
        ActivityKind.Server => Span.Types.SpanKind.Server,
        ActivityKind.Client => Span.Types.SpanKind.Client,
        ActivityKind.Producer => Span.Types.SpanKind.Producer,
        ActivityKind.Consumer => Span.Types.SpanKind.Consumer,
        _ => Span.Types.SpanKind.Internal,
    };
}
