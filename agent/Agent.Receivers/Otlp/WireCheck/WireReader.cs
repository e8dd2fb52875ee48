using System.Runtime.CompilerServices;
using Agent.Core.Model.Wire;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>The protobuf wire types OTLP uses (groups, 3 and 4, are not among them).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    Len = 2,
    Fixed32 = 5,
}

/// <summary>
/// Reads one message's fields in order, accepting exactly what Google.Protobuf's parser accepts at the wire level:
/// varints of up to ten bytes, lengths within the message, field numbers above zero. Anything else (groups, wire
/// types 6 and 7, a tag wider than 32 bits) breaks the reader, which the checks read as "not clean".
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> message)
{
    private ReadOnlySpan<byte> _rest = message;
    private bool _broken;

    /// <summary>True once every field was read and the message ended on a field boundary.</summary>
    public readonly bool AtEnd => !_broken && _rest.IsEmpty;

    /// <summary>
    /// The next field; false at the end of the message or when its bytes are malformed. Inlined into each rule's
    /// loop, where the one-byte tags and lengths most fields have take no call at all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out WireField field)
    {
        field = default;
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (!ProtobufVarint.TryRead(ref _rest, out ulong tag) || tag > uint.MaxValue || tag >> 3 == 0)
        {
            return Break();
        }

        var type = (WireType)(tag & 7);
        var payload = ReadOnlySpan<byte>.Empty;
        bool read = type switch
        {
            WireType.Varint => ProtobufVarint.TryRead(ref _rest, out _),
            WireType.Fixed64 => TrySkip(8),
            WireType.Fixed32 => TrySkip(4),
            WireType.Len => TryReadPayload(out payload),
            _ => false,
        };
        if (!read)
        {
            return Break();
        }

        field = new WireField((int)(tag >> 3), type, payload);
        return true;
    }

    private bool TrySkip(int size)
    {
        if (_rest.Length < size)
        {
            return false;
        }

        _rest = _rest[size..];
        return true;
    }

    private bool TryReadPayload(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!ProtobufVarint.TryRead(ref _rest, out ulong length) || length > (ulong)_rest.Length)
        {
            return false;
        }

        payload = _rest[..(int)length];
        _rest = _rest[(int)length..];
        return true;
    }

    /// <summary>Ends the reading: nothing is left to read, and <see cref="AtEnd"/> stays false.</summary>
    private bool Break()
    {
        _broken = true;
        _rest = default;
        return false;
    }
}
