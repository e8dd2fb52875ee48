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
    /// ScopeSpans, ScopeMetrics or ScopeLogs: the scope (1), its items (2, checked by <paramref name="items"/>) and
    /// a schema URL (3).
    /// </summary>
    public static bool ScopeMessage(ReadOnlySpan<byte> message, AttributeBounds bounds, int level, MessageCheck items) =>
        Walk(message, new MessageContext(bounds, level, items), ScopeMessageField);

    /// <summary>
    /// One attribute of a collection the limits cover: counted in <paramref name="count"/> (the count limit is judged
    /// once the collection is read), and its value must be within the length limit.
    /// </summary>
    public static bool Attribute(in WireField field, in MessageContext at, ref int count)
    {
        count++;
        return Nested(field, at, KeyValue);
    }

    /// <summary>AnyValue: strings and bytes within the length limit, arrays and maps with each of their values alike
    /// (as the limiter does; the count limit does not apply inside them). Every occurrence of the oneof is checked,
    /// though only the last is parsed: stricter, never wrong.</summary>
    public static bool AnyValue(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), AnyValueField);

    private static bool ScopeMessageField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => Nested(field, at, InstrumentationScope),
        2 => Nested(field, at, at.Items!),
        3 => field.IsText(),
        _ => true,
    };

    private static bool InstrumentationScope(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), InstrumentationScopeField);

    private static bool InstrumentationScopeField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 or 2 => field.IsText(), // name, version
        3 => Attribute(field, at, ref tally.Attributes),
        4 => field.Is(WireType.Varint), // dropped count
        _ => true,
    };

    private static bool KeyValue(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), KeyValueField);

    private static bool KeyValueField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.IsText(),
        2 => Nested(field, at, AnyValue),
        _ => true,
    };

    private static bool AnyValueField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.IsText() && at.Bounds.AllowsText(field.Payload),
        2 or 3 => field.Is(WireType.Varint), // bool, int
        4 => field.Is(WireType.Fixed64), // double
        5 => Nested(field, at, ArrayValue),
        6 => Nested(field, at, KeyValueList),
        7 => field.Is(WireType.Len) && at.Bounds.AllowsBytes(field.Payload),
        _ => true,
    };

    /// <summary>ArrayValue: repeated AnyValue in field 1.</summary>
    private static bool ArrayValue(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, AnyValue), RepeatedItems);

    /// <summary>KeyValueList: repeated KeyValue in field 1, not counted (the count limit is for the top level only).</summary>
    private static bool KeyValueList(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, KeyValue), RepeatedItems);

    private static bool RepeatedItems(in WireField field, ref MessageTally tally, in MessageContext at) =>
        field.Number != 1 || Nested(field, at, at.Items!);
}
