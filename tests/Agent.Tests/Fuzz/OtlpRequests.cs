using System.Text.Json.Nodes;
using CsCheck;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Fuzz;

/// <summary>Generators of valid OTLP export requests with random spans, metrics and logs, and their OTLP/JSON text.</summary>
internal static class OtlpRequests
{
    private static readonly HashSet<string> IdFields = ["traceId", "spanId", "parentSpanId"];

    internal static Gen<string> Text { get; } = PodLogLines.Text;

    private static Gen<ByteString> Id(int length) =>
        Gen.Frequency((4, Gen.Byte.Array[length].Select(ByteString.CopyFrom)), (1, Gen.Const(ByteString.Empty)));

    internal static Gen<ulong> Nanos { get; } = Gen.ULong[0, 4_000_000_000_000_000_000];

    internal static Gen<double> Double { get; } = Gen.Frequency(
        (4, Gen.Double), (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue)));

    private static Gen<AnyValue> Scalar { get; } = Gen.OneOf(
        Text.Select(s => new AnyValue { StringValue = s }),
        Gen.Long.Select(l => new AnyValue { IntValue = l }),
        Double.Select(d => new AnyValue { DoubleValue = d }),
        Gen.Bool.Select(b => new AnyValue { BoolValue = b }),
        Gen.Byte.Array[0, 16].Select(b => new AnyValue { BytesValue = ByteString.CopyFrom(b) }));

    internal static Gen<AnyValue> Value { get; } = Gen.Frequency(
        (6, Scalar),
        (1, Scalar.Array[0, 3].Select(values => new AnyValue { ArrayValue = new ArrayValue { Values = { values } } })),
        (1, Gen.Select(Text, Scalar).Array[0, 3].Select(pairs => new AnyValue
        {
            KvlistValue = new KeyValueList { Values = { pairs.Select(p => new KeyValue { Key = p.Item1, Value = p.Item2 }) } },
        })));

    internal static Gen<KeyValue[]> Attributes { get; } =
        Gen.Select(Text, Value).Select((key, value) => new KeyValue { Key = key, Value = value }).Array[0, 4];

    private static Gen<Resource> Resource { get; } = Attributes.Select(a => new Resource { Attributes = { a } });

    private static Gen<InstrumentationScope> Scope { get; } =
        Gen.Select(Text, Text).Select((name, version) => new InstrumentationScope { Name = name, Version = version });

    private static Gen<Span> Span { get; } = Gen.Select(Id(16), Id(8), Id(8), Text, Nanos, Nanos, Attributes, Gen.Int[0, 5])
        .Select((traceId, spanId, parent, name, start, end, attributes, kind) => new Span
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parent,
            Name = name,
            Kind = (Span.Types.SpanKind)kind,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            Attributes = { attributes },
            Events = { new Span.Types.Event { Name = name, TimeUnixNano = start } },
            Links = { new Span.Types.Link { TraceId = traceId, SpanId = spanId } },
            Status = new Status { Code = (Status.Types.StatusCode)(kind % 3), Message = name },
        });

    public static Gen<ExportTraceServiceRequest> Traces { get; } =
        Gen.Select(Resource, Scope, Span.Array[0, 4])
            .Select((resource, scope, spans) => new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Scope = scope, Spans = { spans } } } })
            .Array[1, 3]
            .Select(groups => new ExportTraceServiceRequest { ResourceSpans = { groups } });

    private static Gen<NumberDataPoint> NumberPoint { get; } = Gen.Select(Attributes, Nanos, Double, Gen.Long, Gen.Bool, Id(16), Id(8))
        .Select((attributes, time, asDouble, asInt, isDouble, traceId, spanId) =>
        {
            var point = new NumberDataPoint { Attributes = { attributes }, TimeUnixNano = time, StartTimeUnixNano = time / 2 };
            if (isDouble)
            {
                point.AsDouble = asDouble;
            }
            else
            {
                point.AsInt = asInt;
            }

            point.Exemplars.Add(new Exemplar { TimeUnixNano = time, AsDouble = asDouble, TraceId = traceId, SpanId = spanId });
            return point;
        });

    private static Gen<HistogramDataPoint> HistogramPoint { get; } = Gen.Select(Attributes, Nanos, Gen.ULong[0, 1000].Array[1, 5], Double)
        .Select((attributes, time, counts, sum) => new HistogramDataPoint
        {
            Attributes = { attributes },
            TimeUnixNano = time,
            Count = counts.Aggregate(0UL, (a, b) => a + b),
            Sum = sum,
            BucketCounts = { counts },
            ExplicitBounds = { Enumerable.Range(0, counts.Length - 1).Select(i => (double)i) },
        });

    private static Gen<Metric> Metric { get; } = Gen.Select(Text, Text, Gen.Int[0, 2], NumberPoint.Array[0, 3], HistogramPoint.Array[0, 2], Gen.Bool)
        .Select((name, unit, kind, points, histogram, monotonic) =>
        {
            var metric = new Metric { Name = name, Unit = unit, Description = unit };
            switch (kind)
            {
                case 0:
                    metric.Gauge = new Gauge { DataPoints = { points } };
                    break;
                case 1:
                    metric.Sum = new Sum { DataPoints = { points }, IsMonotonic = monotonic, AggregationTemporality = AggregationTemporality.Cumulative };
                    break;
                default:
                    metric.Histogram = new Histogram { DataPoints = { histogram }, AggregationTemporality = AggregationTemporality.Delta };
                    break;
            }

            return metric;
        });

    public static Gen<ExportMetricsServiceRequest> Metrics { get; } =
        Gen.Select(Resource, Scope, Metric.Array[0, 4])
            .Select((resource, scope, metrics) => new ResourceMetrics { Resource = resource, ScopeMetrics = { new ScopeMetrics { Scope = scope, Metrics = { metrics } } } })
            .Array[1, 3]
            .Select(groups => new ExportMetricsServiceRequest { ResourceMetrics = { groups } });

    private static Gen<LogRecord> LogRecord { get; } = Gen.Select(Value, Nanos, Gen.Int[0, 24], Text, Attributes, Id(16), Id(8))
        .Select((body, time, severity, text, attributes, traceId, spanId) => new LogRecord
        {
            Body = body,
            TimeUnixNano = time,
            ObservedTimeUnixNano = time,
            SeverityNumber = (SeverityNumber)severity,
            SeverityText = text,
            Attributes = { attributes },
            TraceId = traceId,
            SpanId = spanId,
        });

    public static Gen<ExportLogsServiceRequest> Logs { get; } =
        Gen.Select(Resource, Scope, LogRecord.Array[0, 4])
            .Select((resource, scope, records) => new ResourceLogs { Resource = resource, ScopeLogs = { new ScopeLogs { Scope = scope, LogRecords = { records } } } })
            .Array[1, 3]
            .Select(groups => new ExportLogsServiceRequest { ResourceLogs = { groups } });

    /// <summary>The request in OTLP/JSON: the protobuf JSON mapping with trace and span ids in hex instead of base64.</summary>
    public static byte[] ToOtlpJson(IMessage request)
    {
        var json = JsonNode.Parse(new JsonFormatter(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true)).Format(request))!;
        HexIds(json);
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static void HexIds(JsonNode node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                HexIds(item!);
            }
        }
        else if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (IdFields.Contains(name))
                {
                    obj[name] = Convert.ToHexString(Convert.FromBase64String(value!.GetValue<string>())).ToLowerInvariant();
                }
                else if (value is not null)
                {
                    HexIds(value);
                }
            }
        }
    }
}
