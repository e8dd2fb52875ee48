using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Logs;

/// <summary>
/// Counts the entries of a decompressed Loki <c>PushRequest</c> on the wire:
/// PushRequest.streams = 1 → StreamAdapter.entries = 2 → EntryAdapter.line = 2.
/// </summary>
internal static class LokiPushCounter
{
    /// <summary>The number of entries and the total bytes of their lines.</summary>
    public static (long Entries, long LineBytes) Count(ReadOnlySpan<byte> pushRequest)
    {
        long entries = 0;
        long lineBytes = 0;
        int position = 0;
        while (position < pushRequest.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(pushRequest, ref position);
            if (field == 1 && wire == ProtobufWire.LengthDelimited)
            {
                CountStream(ProtobufWire.ReadLengthDelimited(pushRequest, ref position), ref entries, ref lineBytes);
            }
            else
            {
                ProtobufWire.Skip(pushRequest, ref position, wire);
            }
        }

        return (entries, lineBytes);
    }

    private static void CountStream(ReadOnlySpan<byte> stream, ref long entries, ref long lineBytes)
    {
        int position = 0;
        while (position < stream.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(stream, ref position);
            if (field == 2 && wire == ProtobufWire.LengthDelimited)
            {
                entries++;
                lineBytes += LineLength(ProtobufWire.ReadLengthDelimited(stream, ref position));
            }
            else
            {
                ProtobufWire.Skip(stream, ref position, wire);
            }
        }
    }

    private static int LineLength(ReadOnlySpan<byte> entry)
    {
        int position = 0;
        while (position < entry.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(entry, ref position);
            if (field == 2 && wire == ProtobufWire.LengthDelimited)
            {
                return ProtobufWire.ReadLengthDelimited(entry, ref position).Length;
            }

            ProtobufWire.Skip(entry, ref position, wire);
        }

        return 0;
    }
}
