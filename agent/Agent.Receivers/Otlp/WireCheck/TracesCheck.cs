using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>The messages of <c>trace.proto</c> inside a ScopeSpans, with the checks of <see cref="OtlpIdValidation"/>.</summary>
internal static class TracesCheck
{
    public static bool ScopeSpans(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        ScopeMessage(message, bounds, level, Span);

    /// <summary>A span whose ids OtlpIdValidation would refuse is dropped by the full path: not clean.</summary>
    private static bool Span(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), SpanField, out var span) &&
        span.TraceId == OtlpIdValidation.TraceIdLength && span.SpanId == OtlpIdValidation.SpanIdLength &&
        (span.ParentSpanId == 0 || span.ParentSpanId == OtlpIdValidation.SpanIdLength);

    private static bool SpanField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.IsBytes(ref tally.TraceId),
        2 => field.IsBytes(ref tally.SpanId),
        4 => field.IsBytes(ref tally.ParentSpanId),
        3 or 5 => field.IsText(), // trace_state, name
        6 or 10 or 12 or 14 => field.Is(WireType.Varint), // kind, dropped counts
        7 or 8 => field.Is(WireType.Fixed64), // start and end times
        16 => field.Is(WireType.Fixed32), // flags
        9 => Attribute(field, at, ref tally.Attributes),
        11 => Nested(field, at, Event),
        13 => Nested(field, at, Link),
        15 => Nested(field, at, Status),
        _ => true,
    };

    private static bool Event(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), EventField);

    private static bool EventField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.Is(WireType.Fixed64), // time
        2 => field.IsText(), // name
        3 => Attribute(field, at, ref tally.Attributes),
        4 => field.Is(WireType.Varint), // dropped count
        _ => true,
    };

    /// <summary>A link whose ids OtlpIdValidation would refuse is left out by the full path: not clean.</summary>
    private static bool Link(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), LinkField, out var link) && HasValidIds(link);

    /// <summary>Ids that are unset or of their length, as OtlpIdValidation wants for what only points elsewhere.</summary>
    internal static bool HasValidIds(in MessageTally tally) =>
        (tally.TraceId == 0 || tally.TraceId == OtlpIdValidation.TraceIdLength) &&
        (tally.SpanId == 0 || tally.SpanId == OtlpIdValidation.SpanIdLength);

    private static bool LinkField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.IsBytes(ref tally.TraceId),
        2 => field.IsBytes(ref tally.SpanId),
        3 => field.IsText(), // trace_state
        4 => Attribute(field, at, ref tally.Attributes),
        5 => field.Is(WireType.Varint), // dropped count
        6 => field.Is(WireType.Fixed32), // flags
        _ => true,
    };

    private static bool Status(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), StatusField);

    private static bool StatusField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        2 => field.IsText(), // message
        3 => field.Is(WireType.Varint), // code
        _ => true,
    };
}
