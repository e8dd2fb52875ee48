using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>The messages of <c>logs.proto</c> inside a ScopeLogs, with the checks of <see cref="OtlpIdValidation"/>.</summary>
internal static class LogsCheck
{
    public static bool ScopeLogs(ReadOnlySpan<byte> message, AttributeBounds bounds, int level, out int records) =>
        WalkCounted<ScopeMessageRule<LogRecordRule>>(message, bounds, level, out records);

    /// <summary>A record's ids are optional, but when present they must have their length, or the full path drops it.</summary>
    private struct LogRecordRule : ICountingRule
    {
        private int _traceId;
        private int _spanId;

        public readonly int Items => 1;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 or 11 => field.Is(WireType.Fixed64), // time, observed time
            2 or 7 => field.Is(WireType.Varint), // severity number, dropped count
            3 or 12 => field.IsText(), // severity text, event name
            // The body is no attribute: the limits leave it alone, but it must still parse.
            5 => field.Is(WireType.Len) && AnyValue(field.Payload, AttributeBounds.None, level + 1),
            6 => Attribute(field, bounds, level, ref attributes),
            8 => field.Is(WireType.Fixed32), // flags
            9 => field.IsBytes(ref _traceId),
            10 => field.IsBytes(ref _spanId),
            _ => true,
        };

        public readonly bool End() => TracesCheck.HasValidIds(_traceId, _spanId);
    }
}
