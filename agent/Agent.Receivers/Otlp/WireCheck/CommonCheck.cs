using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The messages of <c>common.proto</c> the three signals share: the instrumentation scope, attributes and their
/// values, and the ScopeSpans, ScopeMetrics and ScopeLogs shape around them. Unknown fields pass: Google.Protobuf
/// keeps them as they came.
/// </summary>
internal static class CommonCheck
{
    /// <summary>
    /// One attribute of a collection the limits cover: counted in <paramref name="count"/> (the count limit is judged
    /// once the collection is read), and its value must be within the length limit.
    /// </summary>
    public static bool Attribute(in WireField field, AttributeBounds bounds, int level, ref int count)
    {
        count++;
        return field.Is(WireType.Len) &&
            (AttributeShape.TryJudge(field.Payload, bounds, level + 1, out bool clean) ? clean : Walk<KeyValueRule>(field.Payload, bounds, level + 1));
    }

    /// <summary>AnyValue: strings and bytes within the length limit, arrays and maps with each of their values alike
    /// (as the limiter does; the count limit does not apply inside them).</summary>
    public static bool AnyValue(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk<AnyValueRule>(message, bounds, level);

    /// <summary>
    /// ScopeSpans, ScopeMetrics or ScopeLogs: the scope (1), its items (2, each a span, a log record or a metric with
    /// its data points) and a schema URL (3).
    /// </summary>
    internal struct ScopeMessageRule<TItem> : ICountingRule
        where TItem : struct, ICountingRule
    {
        private int _items;

        public readonly int Items => _items;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => Nested<InstrumentationScopeRule>(field, bounds, level),
            2 => NestedCounted<TItem>(field, bounds, level, ref _items),
            3 => field.IsText(),
            _ => true,
        };

        public readonly bool End() => true;
    }

    private readonly struct InstrumentationScopeRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 or 2 => field.IsText(), // name, version
            3 => Attribute(field, bounds, level, ref attributes),
            4 => field.Is(WireType.Varint), // dropped count
            _ => true,
        };

        public bool End() => true;
    }

    private readonly struct KeyValueRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.IsText(),
            2 => Nested<AnyValueRule>(field, bounds, level),
            _ => true,
        };

        public bool End() => true;
    }

    /// <summary>Every occurrence of the oneof is checked, though only the last is parsed: stricter, never wrong.</summary>
    private readonly struct AnyValueRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.IsText() && bounds.AllowsText(field.Payload),
            2 or 3 => field.Is(WireType.Varint), // bool, int
            4 => field.Is(WireType.Fixed64), // double
            5 => Nested<RepeatedRule<AnyValueRule>>(field, bounds, level), // ArrayValue
            6 => Nested<RepeatedRule<KeyValueRule>>(field, bounds, level), // KeyValueList: not counted (top level only)
            7 => field.Is(WireType.Len) && bounds.AllowsBytes(field.Payload),
            _ => true,
        };

        public bool End() => true;
    }

    /// <summary>ArrayValue or KeyValueList: repeated items in field 1.</summary>
    private readonly struct RepeatedRule<TItem> : IMessageRule
        where TItem : struct, IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) =>
            field.Number != 1 || Nested<TItem>(field, bounds, level);

        public bool End() => true;
    }
}
