namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>Checks one encoded message: its bytes, the limits it is held to, and its nesting level.</summary>
internal delegate bool MessageCheck(ReadOnlySpan<byte> message, AttributeBounds bounds, int level);

/// <summary>Checks one field of a message, noting in <paramref name="tally"/> what is judged once the message ends.</summary>
internal delegate bool FieldRule(in WireField field, ref MessageTally tally, in MessageContext at);

/// <summary>
/// Where a message sits: the limits, its nesting level from the request (the request is 0, a ScopeSpans,
/// ScopeMetrics or ScopeLogs 2) and, for a container, the check of its items.
/// </summary>
internal readonly record struct MessageContext(AttributeBounds Bounds, int Level, MessageCheck? Items = null);

/// <summary>What a message's fields add up to: its attribute count and the lengths of its ids (the last one counts, as in the parser).</summary>
internal struct MessageTally
{
    public int Attributes;
    public int TraceId;
    public int SpanId;
    public int ParentSpanId;
}

/// <summary>The one loop every message check runs: each field through the message's rule, then the end of the bytes.</summary>
internal static class MessageWalk
{
    /// <summary>Google.Protobuf's default recursion limit: a message nested deeper fails the parse.</summary>
    public const int MaxLevel = 100;

    public static bool Walk(ReadOnlySpan<byte> message, in MessageContext at, FieldRule rule, out MessageTally tally)
    {
        tally = default;
        if (at.Level > MaxLevel)
        {
            return false;
        }

        var reader = new WireReader(message);
        while (reader.Next(out var field))
        {
            if (!rule(field, ref tally, at))
            {
                return false;
            }
        }

        // Any attribute collection the message has is within the count limit, or the limiter would drop some.
        return reader.AtEnd && at.Bounds.AllowsCount(tally.Attributes);
    }

    public static bool Walk(ReadOnlySpan<byte> message, in MessageContext at, FieldRule rule) => Walk(message, at, rule, out _);

    /// <summary>A field holding a message of its own, one level deeper.</summary>
    public static bool Nested(in WireField field, in MessageContext at, MessageCheck check) =>
        field.Is(WireType.Len) && check(field.Payload, at.Bounds, at.Level + 1);
}
