using System.Net;
using Agent.Exporters.Otlp.Grpc;
using Agent.Tests.Fuzz;
using Google.Protobuf;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// The attribute limits through the real receiver: what the pipeline gets over gRPC, HTTP/protobuf and OTLP/JSON
/// is cut to the limits, and the receiver's <c>/metrics</c> counts what went.
/// </summary>
public class OtlpAttributeLimitsReceiverTests
{
    private const int MaxAttributes = 8;
    private const int MaxLength = 5;

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("grpc")]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task A_span_over_the_limits_reaches_the_pipeline_cut_and_the_cuts_are_counted(string transport)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(Limit);
        var sent = OtlpSamples.Traces();
        var span = sent.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.Attributes.Add(OtlpAttributeLimitsTests.Many(20));
        span.Attributes[0].Value = new AnyValue { StringValue = "añ€😀😀😀 and more" };
        span.DroppedAttributesCount = 3;

        await SendAsync(otlp, transport, sent, "/v1/traces", channel => new TraceService.TraceServiceClient(channel).ExportAsync(sent).ResponseAsync);

        var group = Assert.Single(otlp.Traces.Received).Data.ResourceSpans[0];
        var received = group.ScopeSpans[0].Spans[0];
        Assert.Equal(MaxAttributes, received.Attributes.Count);
        Assert.Equal(3u + 20 - MaxAttributes, received.DroppedAttributesCount);
        Assert.Equal("añ€😀😀", received.Attributes[0].Value.StringValue);
        Assert.Equal(7, received.Attributes[7].Value.IntValue);
        Assert.Equal(20 - MaxAttributes, SelfMetrics.AttributesLimitedValue(otlp.Name, "count"));
        Assert.Equal("check", group.Resource.Attributes[0].Value.StringValue);
        Assert.Equal(2, SelfMetrics.AttributesLimitedValue(otlp.Name, "length"));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("grpc")]
    [InlineData("json")]
    public async Task Log_record_and_data_point_attributes_are_limited_on_arrival(string transport)
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(Limit);
        var logs = OtlpSamples.Logs();
        logs.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes.Add(OtlpAttributeLimitsTests.Many(MaxAttributes + 1));
        var metrics = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Metrics =
                            {
                                new Metric
                                {
                                    Name = "m",
                                    Gauge = new Gauge { DataPoints = { new NumberDataPoint { AsInt = 1, Attributes = { new KeyValue { Key = "k", Value = new AnyValue { StringValue = "ééééééé" } } } } } },
                                },
                            },
                        },
                    },
                },
            },
        };

        await SendAsync(otlp, transport, logs, "/v1/logs", channel => new LogsService.LogsServiceClient(channel).ExportAsync(logs).ResponseAsync);
        await SendAsync(otlp, transport, metrics, "/v1/metrics", channel => new MetricsService.MetricsServiceClient(channel).ExportAsync(metrics).ResponseAsync);

        var record = Assert.Single(otlp.Logs.Received).Data.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.Equal(MaxAttributes, record.Attributes.Count);
        Assert.Equal(1u, record.DroppedAttributesCount);
        var point = Assert.Single(otlp.Metrics.Received).Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Gauge.DataPoints[0];
        Assert.Equal("ééééé", point.Attributes[0].Value.StringValue);
        Assert.Equal(1, SelfMetrics.AttributesLimitedValue(otlp.Name, "count"));
        Assert.Equal(1, SelfMetrics.AttributesLimitedValue(otlp.Name, "length"));
    }

    private static void Limit(Agent.Receivers.Otlp.OtlpReceiverOptions options)
    {
        options.Limits.MaxAttributes = MaxAttributes;
        options.Limits.MaxAttributeValueLength = MaxLength;
    }

    private static async Task SendAsync<TResponse>(OtlpTestReceiver otlp, string transport, IMessage request, string path, Func<GrpcChannel, Task<TResponse>> export)
    {
        if (transport == "grpc")
        {
            using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
            await export(channel);
            return;
        }

        var (body, contentType) = transport == "json"
            ? (OtlpRequests.ToOtlpJson(request), "application/json")
            : (request.ToByteArray(), "application/x-protobuf");
        using var response = await OtlpHttpTests.PostAsync(otlp, path, body, contentType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
