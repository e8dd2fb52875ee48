using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Applies the OpenTelemetry SDK's attribute limits to one attribute collection at a time and keeps the tally of
/// what it changed. As in the SDK: past the count limit the later attributes are dropped (the count applies to the
/// top level only); a string value longer than the length limit is cut to that many characters (Unicode code points,
/// so a character is never split), a bytes value to that many bytes, and arrays and maps have each value limited
/// alike. A collection within the limits is only read: checking it allocates nothing.
/// </summary>
internal struct AttributeLimiter(int maxAttributes, int maxValueLength)
{
    /// <summary>Attributes dropped past the count limit.</summary>
    public int Dropped;

    /// <summary>Attributes whose value was cut (once per attribute, however many of its strings were).</summary>
    public int Truncated;

    public readonly bool IsUnlimited => maxAttributes == 0 && maxValueLength == 0;

    /// <summary>Limits <paramref name="attributes"/>; returns how many were dropped, for the item's dropped count.</summary>
    public int Limit(RepeatedField<KeyValue> attributes)
    {
        int dropped = 0;
        if (maxAttributes > 0 && attributes.Count > maxAttributes)
        {
            dropped = attributes.Count - maxAttributes;
            for (int i = attributes.Count - 1; i >= maxAttributes; i--)
            {
                // From the end, each removal moves nothing.
                attributes.RemoveAt(i);
            }

            Dropped += dropped;
        }

        if (maxValueLength > 0)
        {
            for (int i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Value is { } value && Cut(value, maxValueLength, depth: 0, apply: true))
                {
                    Truncated++;
                }
            }
        }

        return dropped;
    }

    /// <summary>True when <see cref="Limit"/> would change <paramref name="attributes"/>; only reads them.</summary>
    public readonly bool WouldChange(RepeatedField<KeyValue> attributes)
    {
        if (maxAttributes > 0 && attributes.Count > maxAttributes)
        {
            return true;
        }

        if (maxValueLength > 0)
        {
            for (int i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Value is { } value && Cut(value, maxValueLength, depth: 0, apply: false))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Adds to a <c>dropped_attributes_count</c> without wrapping around.</summary>
    public static uint Add(uint droppedCount, int dropped) => (uint)Math.Min(uint.MaxValue, (long)droppedCount + dropped);

    /// <summary>The protobuf and JSON parsers refuse nesting deeper than this, so the recursion is bounded anyway.</summary>
    private const int MaxDepth = 100;

    /// <summary>Whether <paramref name="value"/> has a string or bytes over <paramref name="max"/>; cuts them when <paramref name="apply"/>.</summary>
    private static bool Cut(AnyValue value, int max, int depth, bool apply)
    {
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                string text = value.StringValue;
                int end = CharacterBoundary(text, max);
                if (end == text.Length)
                {
                    return false;
                }

                if (apply)
                {
                    value.StringValue = text[..end];
                }

                return true;
            case AnyValue.ValueOneofCase.BytesValue:
                if (value.BytesValue.Length <= max)
                {
                    return false;
                }

                if (apply)
                {
                    value.BytesValue = ByteString.CopyFrom(value.BytesValue.Span[..max]);
                }

                return true;
            case AnyValue.ValueOneofCase.ArrayValue when depth < MaxDepth:
                bool cut = false;
                var values = value.ArrayValue.Values;
                for (int i = 0; i < values.Count && (apply || !cut); i++)
                {
                    cut |= Cut(values[i], max, depth + 1, apply);
                }

                return cut;
            case AnyValue.ValueOneofCase.KvlistValue when depth < MaxDepth:
                bool cutEntry = false;
                var entries = value.KvlistValue.Values;
                for (int i = 0; i < entries.Count && (apply || !cutEntry); i++)
                {
                    if (entries[i].Value is { } entry)
                    {
                        cutEntry |= Cut(entry, max, depth + 1, apply);
                    }
                }

                return cutEntry;
            default:
                return false;
        }
    }

    /// <summary>
    /// The index in <paramref name="text"/> after its first <paramref name="max"/> characters (a surrogate pair is one
    /// character and is never split), or its length when it has no more than that.
    /// </summary>
    internal static int CharacterBoundary(string text, int max)
    {
        if (text.Length <= max)
        {
            // UTF-16 units are never fewer than characters: the common case needs no scan.
            return text.Length;
        }

        int index = 0;
        for (int characters = 0; characters < max && index < text.Length; characters++)
        {
            bool pair = char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]);
            index += pair ? 2 : 1;
        }

        return index;
    }
}
