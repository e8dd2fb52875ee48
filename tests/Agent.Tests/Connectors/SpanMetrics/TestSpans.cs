using Agent.Core.Model;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;
using StatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;

namespace Agent.Tests.Connectors.SpanMetrics;

/// <summary>Hand-built spans for the span-metrics tests: a resource with its attributes, spans of a given duration.</summary>
internal static class TestSpans
{
    /// <summary>Where every test span starts unless told otherwise: 2025-01-01T00:00:00Z.</summary>
    public const ulong Start = 1_735_689_600_000_000_000;

    public static TracesBatch Batch(params ResourceSpans[] groups)
    {
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(groups);
        return new TracesBatch(request);
    }

    /// <summary>A resource group; <paramref name="service"/> null leaves <c>service.name</c> out.</summary>
    public static ResourceSpans Group(string? service, Span[] spans, params (string Key, object Value)[] attributes)
    {
        var resource = new Resource();
        if (service is not null)
        {
            resource.Attributes.Add(Attribute("service.name", service));
        }

        resource.Attributes.AddRange(attributes.Select(a => Attribute(a.Key, a.Value)));
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(spans);
        return new ResourceSpans { Resource = resource, ScopeSpans = { scope } };
    }

    public static Span Span(string name, SpanKind kind, StatusCode code, double milliseconds, params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes(Random.Shared.NextInt64())),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = Start,
            EndTimeUnixNano = Start + (ulong)(milliseconds * 1_000_000),
            Status = new Status { Code = code },
        };
        span.Attributes.AddRange(attributes.Select(a => Attribute(a.Key, a.Value)));
        return span;
    }

    public static KeyValue Attribute(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string text => new AnyValue { StringValue = text },
            long number => new AnyValue { IntValue = number },
            int number => new AnyValue { IntValue = number },
            double number => new AnyValue { DoubleValue = number },
            bool flag => new AnyValue { BoolValue = flag },
            _ => throw new ArgumentException($"no attribute type for {value.GetType()}"),
        },
    };
}
