using System.Buffers.Binary;

namespace Agent.Core.Model.Wire;

/// <summary>
/// Reads protobuf fields from encoded bytes without decoding them into objects: each field's number and, for a
/// length-delimited one, its bytes. Used on bytes a protobuf parser already accepted, so malformed input only has to
/// stop the walk, never to explain itself.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> bytes)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    /// <summary>Where the next field starts: the bytes between two positions are whole fields, tags included.</summary>
    public readonly int Position => _position;

    /// <summary>
    /// Reads the next field: its number and wire type, and its content when length-delimited; other fields are
    /// skipped. False at the end or on bytes that are not protobuf.
    /// </summary>
    public bool Next(out int field, out int wireType, out ReadOnlySpan<byte> content) => Next(out field, out wireType, out content, out _);

    /// <summary>
    /// As <see cref="Next(out int, out int, out ReadOnlySpan{byte})"/>, and gives a scalar field's value too: a
    /// varint as read, a fixed64 or fixed32 as its little-endian bits (0 for other wire types).
    /// </summary>
    public bool Next(out int field, out int wireType, out ReadOnlySpan<byte> content, out ulong value)
    {
        value = 0;
        content = default;
        field = 0;
        wireType = 0;
        if (_position >= _bytes.Length || !TryReadVarint(out ulong tag))
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case LengthDelimited:
                return TryReadContent(out content);
            case Varint:
                return TryReadVarint(out value);
            case Fixed64:
                if (!TryAdvance(8))
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(_position - 8, 8));
                return true;
            case Fixed32:
                if (!TryAdvance(4))
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Slice(_position - 4, 4));
                return true;
            default:
                return TrySkip(wireType, field);
        }
    }

    private bool TryReadContent(out ReadOnlySpan<byte> content)
    {
        content = default;
        if (!TryReadVarint(out ulong length) || length > (ulong)(_bytes.Length - _position))
        {
            return false;
        }

        content = _bytes.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    private bool TrySkip(int wireType, int field)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(out _);
            case Fixed64:
                return TryAdvance(8);
            case Fixed32:
                return TryAdvance(4);
            case StartGroup:
                // A group (deprecated, but valid in unknown fields) ends with the end tag of the same number.
                while (Next(out int inner, out int innerType, out _))
                {
                    if (innerType == EndGroup)
                    {
                        return inner == field;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private bool TryAdvance(int count)
    {
        if (_bytes.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }

    private bool TryReadVarint(out ulong value)
    {
        var rest = _bytes[_position..];
        if (!ProtobufVarint.TryRead(ref rest, out value))
        {
            return false;
        }

        _position = _bytes.Length - rest.Length;
        return true;
    }
}
