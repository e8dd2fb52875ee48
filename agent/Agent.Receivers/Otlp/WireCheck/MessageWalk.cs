using System.Runtime.CompilerServices;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The check of one message type: each field as it is read, noting in the rule itself what is judged once the
/// message ends (the lengths of its ids: the last occurrence counts, as in the parser). Rules are structs so that
/// <see cref="MessageWalk.Walk{TRule}"/> is compiled once per rule with direct calls, not a delegate per field.
/// </summary>
internal interface IMessageRule
{
    /// <summary>
    /// One field of a message at nesting <paramref name="level"/> (the request is 0, a scope message 2); an attribute
    /// of a collection the limits cover adds one to <paramref name="attributes"/>.
    /// </summary>
    bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes);

    /// <summary>What is judged after the last field.</summary>
    bool End();
}

/// <summary>
/// The check of a message that holds the request's items (a span, a log record, a metric and its data points, a
/// scope message around them): it counts them as it reads, so a clean request needs no second walk to be counted.
/// </summary>
internal interface ICountingRule : IMessageRule
{
    /// <summary>The items in the fields read so far, as the parser would count them.</summary>
    int Items { get; }
}

/// <summary>The one loop every message check runs: each field through the message's rule, then the end of the bytes.</summary>
internal static class MessageWalk
{
    /// <summary>Google.Protobuf's default recursion limit: a message nested deeper fails the parse.</summary>
    public const int MaxLevel = 100;

    /// <summary>
    /// Kept out of its callers: each rule's loop stays one compact method with the reader and the rule inlined, not
    /// nested walks inlined into each other (measured a quarter slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Walk<TRule>(ReadOnlySpan<byte> message, AttributeBounds bounds, int level)
        where TRule : struct, IMessageRule
    {
        var rule = default(TRule);
        return Run(ref rule, message, bounds, level);
    }

    /// <summary>As <see cref="Walk{TRule}"/>, and the items the message holds when it is clean.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool WalkCounted<TRule>(ReadOnlySpan<byte> message, AttributeBounds bounds, int level, out int items)
        where TRule : struct, ICountingRule
    {
        var rule = default(TRule);
        bool clean = Run(ref rule, message, bounds, level);
        items = rule.Items;
        return clean;
    }

    /// <summary>A field holding a message of its own, one level deeper.</summary>
    public static bool Nested<TRule>(in WireField field, AttributeBounds bounds, int level)
        where TRule : struct, IMessageRule =>
        field.Is(WireType.Len) && Walk<TRule>(field.Payload, bounds, level + 1);

    /// <summary>A field holding a message with items, one level deeper; its items are added to <paramref name="items"/>.</summary>
    public static bool NestedCounted<TRule>(in WireField field, AttributeBounds bounds, int level, ref int items)
        where TRule : struct, ICountingRule
    {
        if (!field.Is(WireType.Len) || !WalkCounted<TRule>(field.Payload, bounds, level + 1, out int nested))
        {
            return false;
        }

        items += nested;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Run<TRule>(ref TRule rule, ReadOnlySpan<byte> message, AttributeBounds bounds, int level)
        where TRule : struct, IMessageRule
    {
        if (level > MaxLevel)
        {
            return false;
        }

        var reader = new WireReader(message);
        int attributes = 0;
        while (reader.Next(out var field))
        {
            if (!rule.Field(field, bounds, level, ref attributes))
            {
                return false;
            }
        }

        // Any attribute collection the message has is within the count limit, or the limiter would drop some.
        return reader.AtEnd && bounds.AllowsCount(attributes) && rule.End();
    }
}
