namespace Agent.LoadHarness.Wire;

/// <summary>
/// Just enough of the protobuf wire format to walk a message's fields without building objects: the sinks count
/// items this way so that their own cost stays small next to the agent's.
/// </summary>
internal static class ProtobufWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    /// <summary>Counts the occurrences of length-delimited field <paramref name="field"/> in <paramref name="message"/>.</summary>
    public static int CountField(ReadOnlySpan<byte> message, int field)
    {
        int count = 0;
        int position = 0;
        while (position < message.Length)
        {
            var (number, wire) = ReadTag(message, ref position);
            if (number == field && wire == LengthDelimited)
            {
                count++;
            }

            Skip(message, ref position, wire);
        }

        return count;
    }

    public static (int Field, int Wire) ReadTag(ReadOnlySpan<byte> data, ref int position)
    {
        ulong tag = ReadVarint(data, ref position);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> data, ref int position)
    {
        ulong length = ReadVarint(data, ref position);
        if (length > (ulong)(data.Length - position))
        {
            throw new InvalidDataException("a length runs past the end of the message");
        }

        var value = data.Slice(position, (int)length);
        position += (int)length;
        return value;
    }

    public static void Skip(ReadOnlySpan<byte> data, ref int position, int wire)
    {
        switch (wire)
        {
            case Varint:
                ReadVarint(data, ref position);
                break;
            case Fixed64:
                position += 8;
                break;
            case LengthDelimited:
                ReadLengthDelimited(data, ref position);
                break;
            case Fixed32:
                position += 4;
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {wire}");
        }

        if (position > data.Length)
        {
            throw new InvalidDataException("a field runs past the end of the message");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("a varint runs past the end of the message");
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint is longer than 10 bytes");
    }
}
