using CsCheck;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// Generators of single OTLP scopes (ScopeSpans, ScopeMetrics, ScopeLogs) with every field set somewhere: every
/// string position, every attribute collection, every metric kind with exemplars, and ids now and then empty or of a
/// wrong length. Built from the pieces of <see cref="OtlpRequests"/>.
/// </summary>
internal static class OtlpScopes
{
    private static Gen<string> Text => OtlpRequests.Text;

    private static Gen<KeyValue[]> Attributes => OtlpRequests.Attributes;

    /// <summary>Mostly the right length, sometimes empty (optional for some ids) or of another length.</summary>
    private static Gen<ByteString> Id(int length) => Gen.Frequency(
        (8, Gen.Byte.Array[length].Select(ByteString.CopyFrom)),
        (1, Gen.Const(ByteString.Empty)),
        (1, Gen.Byte.Array[1, 20].Select(ByteString.CopyFrom)));

    private static Gen<InstrumentationScope> Scope { get; } = Gen.Select(Text, Text, Attributes, Gen.UInt[0, 3])
        .Select((name, version, attributes, dropped) => new InstrumentationScope
        {
            Name = name,
            Version = version,
            Attributes = { attributes },
            DroppedAttributesCount = dropped,
        });

    private static Gen<Span.Types.Event> Event { get; } = Gen.Select(OtlpRequests.Nanos, Text, Attributes)
        .Select((time, name, attributes) => new Span.Types.Event { TimeUnixNano = time, Name = name, Attributes = { attributes } });

    private static Gen<Span.Types.Link> Link { get; } = Gen.Select(Id(16), Id(8), Text, Attributes, Gen.UInt)
        .Select((traceId, spanId, state, attributes, flags) => new Span.Types.Link
        {
            TraceId = traceId,
            SpanId = spanId,
            TraceState = state,
            Attributes = { attributes },
            Flags = flags,
        });

    private static Gen<Span> Span { get; } = Gen.Select(
            Gen.Select(Id(16), Id(8), Id(8)), Gen.Select(Text, Text, Text), Attributes, Event.Array[0, 2], Link.Array[0, 2], Gen.Int[0, 5], OtlpRequests.Nanos)
        .Select((ids, texts, attributes, events, links, kind, time) => new Span
        {
            TraceId = ids.Item1,
            SpanId = ids.Item2,
            ParentSpanId = ids.Item3,
            Name = texts.Item1,
            TraceState = texts.Item2,
            Kind = (Span.Types.SpanKind)kind,
            StartTimeUnixNano = time,
            EndTimeUnixNano = time + 1,
            Flags = (uint)kind,
            Attributes = { attributes },
            Events = { events },
            Links = { links },
            DroppedEventsCount = (uint)kind,
            Status = new Status { Code = (Status.Types.StatusCode)(kind % 3), Message = texts.Item3 },
        });

    public static Gen<ScopeSpans> Spans { get; } = Gen.Select(Scope, Span.Array[0, 4], Text)
        .Select((scope, spans, schema) => new ScopeSpans { Scope = scope, Spans = { spans }, SchemaUrl = schema });

    private static Gen<LogRecord> LogRecord { get; } = Gen.Select(
            OtlpRequests.Value, Gen.Select(Text, Text), Attributes, Id(16), Id(8), Gen.Int[0, 24], OtlpRequests.Nanos, Gen.UInt)
        .Select((body, texts, attributes, traceId, spanId, severity, time, flags) => new LogRecord
        {
            Body = body,
            SeverityText = texts.Item1,
            EventName = texts.Item2,
            SeverityNumber = (SeverityNumber)severity,
            Attributes = { attributes },
            TraceId = traceId,
            SpanId = spanId,
            TimeUnixNano = time,
            ObservedTimeUnixNano = time,
            Flags = flags,
        });

    public static Gen<ScopeLogs> Logs { get; } = Gen.Select(Scope, LogRecord.Array[0, 4], Text)
        .Select((scope, records, schema) => new ScopeLogs { Scope = scope, LogRecords = { records }, SchemaUrl = schema });

    /// <summary>Exemplar ids are not checked by the receiver: any length goes.</summary>
    private static Gen<Exemplar> Exemplar { get; } = Gen.Select(Attributes, Id(16), Id(8), OtlpRequests.Double, Gen.Long, Gen.Bool, OtlpRequests.Nanos)
        .Select((attributes, traceId, spanId, asDouble, asInt, isDouble, time) =>
        {
            var exemplar = new Exemplar { FilteredAttributes = { attributes }, TraceId = traceId, SpanId = spanId, TimeUnixNano = time };
            if (isDouble)
            {
                exemplar.AsDouble = asDouble;
            }
            else
            {
                exemplar.AsInt = asInt;
            }

            return exemplar;
        });

    private static Gen<NumberDataPoint> NumberPoint { get; } = Gen.Select(Attributes, Exemplar.Array[0, 2], OtlpRequests.Double, Gen.Long, Gen.Bool, OtlpRequests.Nanos)
        .Select((attributes, exemplars, asDouble, asInt, isDouble, time) =>
        {
            var point = new NumberDataPoint { Attributes = { attributes }, Exemplars = { exemplars }, TimeUnixNano = time, StartTimeUnixNano = time / 2, Flags = 1 };
            if (isDouble)
            {
                point.AsDouble = asDouble;
            }
            else
            {
                point.AsInt = asInt;
            }

            return point;
        });

    private static Gen<HistogramDataPoint> HistogramPoint { get; } = Gen.Select(Attributes, Exemplar.Array[0, 2], Gen.ULong[0, 1000].Array[1, 5], OtlpRequests.Double)
        .Select((attributes, exemplars, counts, sum) => new HistogramDataPoint
        {
            Attributes = { attributes },
            Exemplars = { exemplars },
            Count = counts.Aggregate(0UL, (a, b) => a + b),
            Sum = sum,
            Min = sum,
            Max = sum,
            BucketCounts = { counts },
            ExplicitBounds = { Enumerable.Range(0, counts.Length - 1).Select(i => (double)i) },
        });

    private static Gen<ExponentialHistogramDataPoint.Types.Buckets> Buckets { get; } = Gen.Select(Gen.Int[-20, 20], Gen.ULong[0, 100_000].Array[0, 4])
        .Select((offset, counts) => new ExponentialHistogramDataPoint.Types.Buckets { Offset = offset, BucketCounts = { counts } });

    private static Gen<ExponentialHistogramDataPoint> ExponentialPoint { get; } = Gen.Select(Attributes, Exemplar.Array[0, 2], Buckets, Buckets, Gen.Int[-10, 20], OtlpRequests.Double)
        .Select((attributes, exemplars, positive, negative, scale, sum) => new ExponentialHistogramDataPoint
        {
            Attributes = { attributes },
            Exemplars = { exemplars },
            Positive = positive,
            Negative = negative,
            Scale = scale,
            Sum = sum,
            ZeroCount = 1,
            ZeroThreshold = 1e-9,
        });

    private static Gen<SummaryDataPoint> SummaryPoint { get; } = Gen.Select(Attributes, OtlpRequests.Double.Array[0, 3], Gen.ULong)
        .Select((attributes, values, count) => new SummaryDataPoint
        {
            Attributes = { attributes },
            Count = count,
            QuantileValues = { values.Select((value, i) => new SummaryDataPoint.Types.ValueAtQuantile { Quantile = i / 4.0, Value = value }) },
        });

    private static Gen<Metric> Metric { get; } = Gen.Select(
            Gen.Select(Text, Text, Text), Attributes, Gen.Int[0, 4], Gen.Select(NumberPoint.Array[0, 2], HistogramPoint.Array[0, 2]), ExponentialPoint.Array[0, 2], SummaryPoint.Array[0, 2])
        .Select((texts, metadata, kind, points, exponential, summary) =>
        {
            var metric = new Metric { Name = texts.Item1, Description = texts.Item2, Unit = texts.Item3, Metadata = { metadata } };
            switch (kind)
            {
                case 0:
                    metric.Gauge = new Gauge { DataPoints = { points.Item1 } };
                    break;
                case 1:
                    metric.Sum = new Sum { DataPoints = { points.Item1 }, IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative };
                    break;
                case 2:
                    metric.Histogram = new Histogram { DataPoints = { points.Item2 }, AggregationTemporality = AggregationTemporality.Delta };
                    break;
                case 3:
                    metric.ExponentialHistogram = new ExponentialHistogram { DataPoints = { exponential }, AggregationTemporality = AggregationTemporality.Delta };
                    break;
                default:
                    metric.Summary = new Summary { DataPoints = { summary } };
                    break;
            }

            return metric;
        });

    public static Gen<ScopeMetrics> Metrics { get; } = Gen.Select(Scope, Metric.Array[0, 4], Text)
        .Select((scope, metrics, schema) => new ScopeMetrics { Scope = scope, Metrics = { metrics }, SchemaUrl = schema });
}
