namespace Agent.LoadHarness.Logs;

/// <summary>
/// Counts the entries of a decompressed Loki <c>PushRequest</c> by walking the protobuf wire format, without building
/// objects: PushRequest.streams = 1 → StreamAdapter.entries = 2 → EntryAdapter.line = 2.
/// </summary>
internal static class LokiPushCounter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <summary>The number of entries and the total bytes of their lines.</summary>
    public static (long Entries, long LineBytes) Count(ReadOnlySpan<byte> pushRequest)
    {
        long entries = 0;
        long lineBytes = 0;
        int position = 0;
        while (position < pushRequest.Length)
        {
            var (field, wire) = ReadTag(pushRequest, ref position);
            if (field == 1 && wire == WireLengthDelimited)
            {
                var stream = ReadLengthDelimited(pushRequest, ref position);
                CountStream(stream, ref entries, ref lineBytes);
            }
            else
            {
                Skip(pushRequest, ref position, wire);
            }
        }

        return (entries, lineBytes);
    }

    private static void CountStream(ReadOnlySpan<byte> stream, ref long entries, ref long lineBytes)
    {
        int position = 0;
        while (position < stream.Length)
        {
            var (field, wire) = ReadTag(stream, ref position);
            if (field == 2 && wire == WireLengthDelimited)
            {
                entries++;
                lineBytes += LineLength(ReadLengthDelimited(stream, ref position));
            }
            else
            {
                Skip(stream, ref position, wire);
            }
        }
    }

    private static int LineLength(ReadOnlySpan<byte> entry)
    {
        int position = 0;
        while (position < entry.Length)
        {
            var (field, wire) = ReadTag(entry, ref position);
            if (field == 2 && wire == WireLengthDelimited)
            {
                return ReadLengthDelimited(entry, ref position).Length;
            }

            Skip(entry, ref position, wire);
        }

        return 0;
    }

    private static (int Field, int Wire) ReadTag(ReadOnlySpan<byte> data, ref int position)
    {
        ulong tag = ReadVarint(data, ref position);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> data, ref int position)
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

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int wire)
    {
        switch (wire)
        {
            case WireVarint:
                ReadVarint(data, ref position);
                break;
            case WireFixed64:
                position += 8;
                break;
            case WireLengthDelimited:
                ReadLengthDelimited(data, ref position);
                break;
            case WireFixed32:
                position += 4;
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {wire}");
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
