using System.Text.Unicode;
using Agent.Core.Model.Wire;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The attribute nearly every span, point and record carries, <c>KeyValue{key, AnyValue{string | bool | int |
/// double}}</c> with one-byte tags and lengths in that order, judged in one pass instead of two nested walks. Any
/// other shape (a long key or value, another field order, unknown fields, arrays, maps, bytes) is left to the walk,
/// so the verdict is the walk's either way.
/// </summary>
internal static class AttributeShape
{
    private const byte KeyTag = (1 << 3) | (byte)WireType.Len;
    private const byte ValueTag = (2 << 3) | (byte)WireType.Len;
    private const byte StringTag = (1 << 3) | (byte)WireType.Len;
    private const byte BoolTag = (2 << 3) | (byte)WireType.Varint;
    private const byte IntTag = (3 << 3) | (byte)WireType.Varint;
    private const byte DoubleTag = (4 << 3) | (byte)WireType.Fixed64;

    /// <summary>True when the shape is the common one, with <paramref name="clean"/> the verdict on it.</summary>
    public static bool TryJudge(ReadOnlySpan<byte> keyValue, AttributeBounds bounds, int level, out bool clean)
    {
        clean = false;

        // The value sits one level below the KeyValue: near the nesting limit the walk decides.
        if (level >= MessageWalk.MaxLevel || !TryLengthDelimited(keyValue, KeyTag, out var key, out var rest) ||
            !TryLengthDelimited(rest, ValueTag, out var value, out rest) || !rest.IsEmpty || value.IsEmpty)
        {
            return false;
        }

        var scalar = value[1..];
        switch (value[0])
        {
            case StringTag when TryLengthDelimited(value, StringTag, out var text, out rest) && rest.IsEmpty:
                // The tags and lengths between key and text are ASCII, which no valid UTF-8 sequence straddles:
                // the whole KeyValue is valid exactly when key and text both are, and one scan covers both.
                clean = bounds.AllowsText(text) && Utf8.IsValid(keyValue);
                return true;
            case BoolTag or IntTag when ProtobufVarint.TryRead(ref scalar, out _) && scalar.IsEmpty:
            case DoubleTag when scalar.Length == sizeof(double):
                clean = Utf8.IsValid(key);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A field of tag <paramref name="tag"/> with a one-byte length at the start of <paramref name="bytes"/>.</summary>
    private static bool TryLengthDelimited(ReadOnlySpan<byte> bytes, byte tag, out ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> rest)
    {
        payload = rest = default;
        if (bytes.Length < 2 || bytes[0] != tag || bytes[1] >= 0x80 || bytes[1] > bytes.Length - 2)
        {
            return false;
        }

        payload = bytes.Slice(2, bytes[1]);
        rest = bytes[(2 + bytes[1])..];
        return true;
    }
}
