using System.Text;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Loki;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Tests.Exporters.Loki;
using Agent.Tests.Exporters.PrometheusRemoteWrite;
using Agent.Tests.Fakes;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The Loki and remote-write encoders fed odd strings (lone surrogates, control characters, huge values): what they
/// write always decodes with the backends' wire decoders (snappy, then protobuf or JSON, both strict about UTF-8).
/// </summary>
public class ExporterEncodingFuzzTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Strings a careless client sends: valid text, lone surrogates, controls, and now and then 70,000 characters.</summary>
    private static readonly Gen<string> OddText = Gen.Frequency(
        (4, PodLogLines.Text),
        (2, Gen.Frequency((3, Gen.Char), (1, Gen.Char['\uD800', '\uDFFF']), (1, Gen.Char['\0', '\u001F'])).Array[0, 40].Select(c => new string(c))),
        (1, Gen.Select(Gen.Char, Gen.Int[60_000, 80_000]).Select((c, n) => new string(c, n))));

    private static readonly Gen<KeyValue[]> Attributes = Gen.Select(
            Gen.Frequency((3, OddText), (1, Gen.OneOf("k8s.namespace.name", "k8s.pod.name", "k8s.container.name", "service.name", "level", "trace_id", "app"))),
            OddText)
        .Select((key, value) => new KeyValue { Key = key, Value = new AnyValue { StringValue = value } })
        .Array[0, 5];

    private static readonly Gen<ExportLogsServiceRequest> Logs =
        Gen.Select(Attributes, Gen.Select(OddText, Attributes, Gen.Int[0, 24]).Array[1, 4])
            .Select((resource, records) => new ExportLogsServiceRequest
            {
                ResourceLogs =
                {
                    new ResourceLogs
                    {
                        Resource = new Resource { Attributes = { resource } },
                        ScopeLogs =
                        {
                            new ScopeLogs
                            {
                                LogRecords =
                                {
                                    records.Select((r, i) => new LogRecord
                                    {
                                        TimeUnixNano = (ulong)At.ToUnixTimeMilliseconds() * 1_000_000 + (ulong)i,
                                        Body = new AnyValue { StringValue = r.Item1 },
                                        Attributes = { r.Item2 },
                                        SeverityNumber = (SeverityNumber)r.Item3,
                                    }),
                                },
                            },
                        },
                    },
                },
            });

    private static readonly Gen<ExportMetricsServiceRequest> Metrics =
        Gen.Select(Attributes, Gen.Select(OddText, OddText, Attributes, Gen.Double).Array[1, 4])
            .Select((resource, metrics) => new ExportMetricsServiceRequest
            {
                ResourceMetrics =
                {
                    new ResourceMetrics
                    {
                        Resource = new Resource { Attributes = { resource } },
                        ScopeMetrics =
                        {
                            new ScopeMetrics
                            {
                                Metrics =
                                {
                                    metrics.Select(m => new Metric
                                    {
                                        Name = m.Item1,
                                        Unit = m.Item2,
                                        Gauge = new Gauge { DataPoints = { RemoteWriteTestData.Point(m.Item4, At, m.Item3) } },
                                    }),
                                },
                            },
                        },
                    },
                },
            });

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(LokiEncoding.Protobuf, LokiLineFormat.Raw)]
    [InlineData(LokiEncoding.Protobuf, LokiLineFormat.Json)]
    [InlineData(LokiEncoding.Json, LokiLineFormat.Logfmt)]
    public Task Loki_pushes_of_odd_strings_decode_and_keep_every_record(LokiEncoding encoding, LokiLineFormat format) =>
        Fuzzing.RunAsync(Logs, request =>
        {
            int records = request.ResourceLogs.Sum(r => r.ScopeLogs.Sum(s => s.LogRecords.Count));
            var options = new LokiExporterOptions { Endpoint = "http://loki", Encoding = encoding, Format = format };

            var pushes = LokiRequestBuilderTests.Encode(options, new LogsBatch(request));

            var streams = pushes.SelectMany(push => FakeLokiDecoding.Decode(push.ContentType, null, push.Body.ToArray())).ToList();
            Assert.Equal(records, streams.Sum(s => s.Entries.Count));
            Assert.All(streams, s => Assert.False(string.IsNullOrEmpty(s.Selector)));
        }, Fuzzing.Costly / 3);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Remote_write_requests_of_odd_strings_decode_with_sorted_unique_labels() =>
        Fuzzing.RunAsync(Metrics, request =>
        {
            var time = new FakeTimeProvider(At.AddMinutes(1));
            using var encoder = new RemoteWriteEncoder(
                new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" },
                new ExporterTelemetry(new CountingRegistry(), new ComponentId("prometheusremotewrite", "fuzz")),
                time);
            var requests = new List<ExportRequest>();
            encoder.Encode(new MetricsBatch(request), new RequestPartitioner(1), requests);

            foreach (var written in requests)
            {
                foreach (var series in RemoteWriteTestData.Decode(written).Timeseries)
                {
                    var labels = RemoteWriteTestData.LabelsOf(series);
                    Assert.False(string.IsNullOrEmpty(RemoteWriteTestData.NameOf(series)));
                    Assert.All(labels.Keys, name => Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", name));
                }

                written.Complete(Agent.Core.Delivery.DeliveryStatus.Delivered);
            }
        }, Fuzzing.Costly / 3);
}
