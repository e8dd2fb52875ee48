using Agent.Core.Model.Wire;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// OTLP request bodies written field by field, with an unknown field first in each scope group and in each item:
/// a parser keeps unknown fields but writes them last, so these bytes come back unchanged only when nothing decoded
/// and encoded them again.
/// </summary>
internal static class EncodedBodies
{
    public const int UnknownField = 1000;

    /// <summary>One resource (service.name = <paramref name="service"/>) and one scope group of <paramref name="items"/>.</summary>
    public static (byte[] Body, ByteString Scope) Of(string service, IMessage scopeWithoutItems, IEnumerable<IMessage> items)
    {
        var scope = WithUnknownFirst(scopeWithoutItems.ToByteArray(), items.Select(item => WithUnknownFirst(item.ToByteArray(), [])));
        var request = new WireRequest
        {
            Groups =
            {
                new WireResourceGroup
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
                    Scopes = { scope },
                },
            },
        };
        return (request.ToByteArray(), scope);
    }

    public static (byte[] Body, ByteString Scope) Traces(string service, int spans) => Of(
        service,
        new ScopeSpans { Scope = new InstrumentationScope { Name = "tests" } },
        Enumerable.Range(0, spans).Select(i => new Span
        {
            TraceId = ByteString.CopyFrom(OtlpSamples.TraceId),
            SpanId = ByteString.CopyFrom(OtlpSamples.SpanIdNumber(i)),
            Name = $"span-{i}",
            StartTimeUnixNano = 1_700_000_000_000_000_000UL,
            EndTimeUnixNano = 1_700_000_001_000_000_000UL,
            Attributes = { new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/cart" } } },
        }));

    public static (byte[] Body, ByteString Scope) Metrics(string service) => Of(
        service,
        new ScopeMetrics { Scope = new InstrumentationScope { Name = "tests" } },
        [new Metric
        {
            Name = "requests",
            Sum = new Sum
            {
                IsMonotonic = true,
                AggregationTemporality = AggregationTemporality.Cumulative,
                DataPoints =
                {
                    new NumberDataPoint { AsInt = 3, TimeUnixNano = 1_700_000_000_000_000_000UL },
                    new NumberDataPoint { AsInt = 5, TimeUnixNano = 1_700_000_000_000_000_000UL, Attributes = { new KeyValue { Key = "code", Value = new AnyValue { StringValue = "500" } } } },
                },
            },
        }
        ]);

    public static (byte[] Body, ByteString Scope) Logs(string service) => Of(
        service,
        new ScopeLogs { Scope = new InstrumentationScope { Name = "tests" } },
        [new LogRecord { TimeUnixNano = 1_700_000_000_000_000_000UL, Body = new AnyValue { StringValue = "hello" }, SeverityNumber = SeverityNumber.Info }]);

    /// <summary><paramref name="message"/>'s fields after an unknown varint field, then each of <paramref name="items"/> as field 2.</summary>
    private static ByteString WithUnknownFirst(byte[] message, IEnumerable<ByteString> items)
    {
        using var stream = new MemoryStream();
        using (var head = new CodedOutputStream(stream, leaveOpen: true))
        {
            head.WriteTag(UnknownField, WireFormat.WireType.Varint);
            head.WriteUInt64(42);
        }

        stream.Write(message);
        using (var tail = new CodedOutputStream(stream, leaveOpen: true))
        {
            foreach (var item in items)
            {
                tail.WriteTag(2, WireFormat.WireType.LengthDelimited);
                tail.WriteBytes(item);
            }
        }

        return ByteString.CopyFrom(stream.ToArray());
    }
}
