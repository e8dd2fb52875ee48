using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>The messages of <c>trace.proto</c> inside a ScopeSpans, with the checks of <see cref="OtlpIdValidation"/>.</summary>
internal static class TracesCheck
{
    public static bool ScopeSpans(ReadOnlySpan<byte> message, AttributeBounds bounds, int level, out int spans) =>
        WalkCounted<ScopeMessageRule<SpanRule>>(message, bounds, level, out spans);

    /// <summary>Ids that are unset or of their length, as OtlpIdValidation wants for what only points elsewhere.</summary>
    internal static bool HasValidIds(int traceId, int spanId) =>
        (traceId == 0 || traceId == OtlpIdValidation.TraceIdLength) && (spanId == 0 || spanId == OtlpIdValidation.SpanIdLength);

    /// <summary>A span whose ids OtlpIdValidation would refuse is dropped by the full path: not clean.</summary>
    private struct SpanRule : ICountingRule
    {
        private int _traceId;
        private int _spanId;
        private int _parentSpanId;

        public readonly int Items => 1;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.IsBytes(ref _traceId),
            2 => field.IsBytes(ref _spanId),
            4 => field.IsBytes(ref _parentSpanId),
            3 or 5 => field.IsText(), // trace_state, name
            6 or 10 or 12 or 14 => field.Is(WireType.Varint), // kind, dropped counts
            7 or 8 => field.Is(WireType.Fixed64), // start and end times
            16 => field.Is(WireType.Fixed32), // flags
            9 => Attribute(field, bounds, level, ref attributes),
            11 => Nested<EventRule>(field, bounds, level),
            13 => Nested<LinkRule>(field, bounds, level),
            15 => Nested<StatusRule>(field, bounds, level),
            _ => true,
        };

        public readonly bool End() =>
            _traceId == OtlpIdValidation.TraceIdLength && _spanId == OtlpIdValidation.SpanIdLength &&
            (_parentSpanId == 0 || _parentSpanId == OtlpIdValidation.SpanIdLength);
    }

    private readonly struct EventRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.Is(WireType.Fixed64), // time
            2 => field.IsText(), // name
            3 => Attribute(field, bounds, level, ref attributes),
            4 => field.Is(WireType.Varint), // dropped count
            _ => true,
        };

        public bool End() => true;
    }

    /// <summary>A link whose ids OtlpIdValidation would refuse is left out by the full path: not clean.</summary>
    private struct LinkRule : IMessageRule
    {
        private int _traceId;
        private int _spanId;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.IsBytes(ref _traceId),
            2 => field.IsBytes(ref _spanId),
            3 => field.IsText(), // trace_state
            4 => Attribute(field, bounds, level, ref attributes),
            5 => field.Is(WireType.Varint), // dropped count
            6 => field.Is(WireType.Fixed32), // flags
            _ => true,
        };

        public readonly bool End() => HasValidIds(_traceId, _spanId);
    }

    private readonly struct StatusRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            2 => field.IsText(), // message
            3 => field.Is(WireType.Varint), // code
            _ => true,
        };

        public bool End() => true;
    }
}
