using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// A fixed set of spans with known RED series, sent by the real .NET OpenTelemetry SDK over OTLP, and the
/// span-metrics pipeline that turns them into metrics. The expected series are written out beside the spans, so a
/// test against any metrics backend (the OTLP stand-in here, a real Prometheus later) checks the same figures.
/// </summary>
internal static class RedTraffic
{
    public const string Service = "orders";

    /// <summary>Bucket bounds the pipeline configures: 5 ms, 10 ms and 100 ms, then the rest.</summary>
    public static readonly double[] Bounds = [5, 10, 100];

    /// <summary>Every span sent: name, kind, status and duration in milliseconds.</summary>
    public static readonly (string Name, ActivityKind Kind, ActivityStatusCode Status, double Milliseconds)[] Spans =
    [
        ("GET /orders", ActivityKind.Server, ActivityStatusCode.Ok, 3),
        ("GET /orders", ActivityKind.Server, ActivityStatusCode.Ok, 7),
        ("GET /orders", ActivityKind.Server, ActivityStatusCode.Ok, 40),
        ("GET /orders", ActivityKind.Server, ActivityStatusCode.Error, 200),
        ("GET /orders", ActivityKind.Server, ActivityStatusCode.Error, 8),
        ("SELECT orders", ActivityKind.Client, ActivityStatusCode.Unset, 1),
        ("SELECT orders", ActivityKind.Client, ActivityStatusCode.Unset, 2),
        ("SELECT orders", ActivityKind.Client, ActivityStatusCode.Unset, 12),
    ];

    /// <summary>The series the spans make, with the Collector's value names, and what each must hold.</summary>
    public static readonly RedExpectation[] Expected =
    [
        new("GET /orders", "SPAN_KIND_SERVER", "STATUS_CODE_OK", 3, 50, [1, 1, 1, 0]),
        new("GET /orders", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR", 2, 208, [0, 1, 0, 1]),
        new("SELECT orders", "SPAN_KIND_CLIENT", "STATUS_CODE_UNSET", 3, 15, [2, 0, 1, 0]),
    ];

    /// <summary>
    /// The agent's configuration: otlp in, traces to <c>spanmetrics</c> and on to <paramref name="tracesExporter"/>,
    /// the metrics to <paramref name="metricsExporter"/>. Both exporters are given as their YAML blocks by id.
    /// </summary>
    public static string Pipeline(string tracesExporter, string metricsExporter, string exportersYaml) => $$"""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:0}
              http: {endpoint: 127.0.0.1:0}
        connectors:
          spanmetrics:
            metrics_flush_interval: 200ms
            histogram:
              explicit: {buckets: [5ms, 10ms, 100ms]}
        exporters:
        {{exportersYaml}}
        service:
          telemetry:
            metrics: {level: none}
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [spanmetrics, {{tracesExporter}}]
            metrics:
              receivers: [spanmetrics]
              exporters: [{{metricsExporter}}]
        """;

    /// <summary>Sends <see cref="Spans"/> from the SDK's OTLP exporter and waits until it exported them.</summary>
    public static void Send(Uri endpoint, OtlpExportProtocol protocol)
    {
        using var source = new ActivitySource("red." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(Service))
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? endpoint : new Uri(endpoint, "/v1/traces");
            })
            .Build();
        var start = DateTime.UtcNow.AddSeconds(-10);
        foreach (var (name, kind, status, milliseconds) in Spans)
        {
            var activity = source.StartActivity(name, kind, parentContext: default, startTime: start)!;
            activity.SetStatus(status);
            activity.SetEndTime(start.AddMilliseconds(milliseconds));
            activity.Stop();
        }

        if (!provider.ForceFlush(20_000))
        {
            throw new TimeoutException("The SDK did not export the spans in time.");
        }
    }
}

/// <summary>One RED series: its dimensions and its calls, duration sum (ms) and bucket counts.</summary>
internal sealed record RedExpectation(string SpanName, string Kind, string Status, long Calls, double SumMilliseconds, ulong[] Buckets);
