using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>The messages of <c>logs.proto</c> inside a ScopeLogs, with the checks of <see cref="OtlpIdValidation"/>.</summary>
internal static class LogsCheck
{
    public static bool ScopeLogs(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        ScopeMessage(message, bounds, level, LogRecord);

    /// <summary>A record's ids are optional, but when present they must have their length, or the full path drops it.</summary>
    private static bool LogRecord(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), LogRecordField, out var record) &&
        (record.TraceId == 0 || record.TraceId == OtlpIdValidation.TraceIdLength) &&
        (record.SpanId == 0 || record.SpanId == OtlpIdValidation.SpanIdLength);

    private static bool LogRecordField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 or 11 => field.Is(WireType.Fixed64), // time, observed time
        2 or 7 => field.Is(WireType.Varint), // severity number, dropped count
        3 or 12 => field.IsText(), // severity text, event name
        // The body is no attribute: the limits leave it alone, but it must still parse.
        5 => field.Is(WireType.Len) && AnyValue(field.Payload, AttributeBounds.None, at.Level + 1),
        6 => Attribute(field, at, ref tally.Attributes),
        8 => field.Is(WireType.Fixed32), // flags
        9 => field.IsBytes(ref tally.TraceId),
        10 => field.IsBytes(ref tally.SpanId),
        _ => true,
    };
}
