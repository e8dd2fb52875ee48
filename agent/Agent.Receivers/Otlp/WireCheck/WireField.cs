using System.Text.Unicode;
using Agent.Core.Model.Wire;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>One field as read: its number, wire type and, for a length-delimited field, its payload.</summary>
internal readonly ref struct WireField(int number, WireType type, ReadOnlySpan<byte> payload)
{
    public int Number { get; } = number;

    public WireType Type { get; } = type;

    public ReadOnlySpan<byte> Payload { get; } = payload;

    /// <summary>
    /// A scalar of the expected wire type. A known field with another one would be kept by Google.Protobuf as an
    /// unknown field and its value lost, which is unusual enough to leave to the full path.
    /// </summary>
    public bool Is(WireType expected) => Type == expected;

    /// <summary>A string field: Google.Protobuf refuses invalid UTF-8 (and the full path then repairs it).</summary>
    public bool IsText() => Type == WireType.Len && Utf8.IsValid(Payload);

    /// <summary>A bytes field; <paramref name="length"/> takes its length (the last occurrence is the one parsed).</summary>
    public bool IsBytes(ref int length)
    {
        length = Payload.Length;
        return Type == WireType.Len;
    }

    /// <summary>A repeated fixed64 or double, one value per field or packed (then a whole number of values).</summary>
    public bool IsRepeatedFixed64() => Type == WireType.Fixed64 || (Type == WireType.Len && Payload.Length % 8 == 0);

    /// <summary>A repeated varint, one value per field or packed (then only whole varints).</summary>
    public bool IsRepeatedVarint()
    {
        if (Type != WireType.Len)
        {
            return Type == WireType.Varint;
        }

        var packed = Payload;
        while (!packed.IsEmpty)
        {
            if (!ProtobufVarint.TryRead(ref packed, out _))
            {
                return false;
            }
        }

        return true;
    }
}
