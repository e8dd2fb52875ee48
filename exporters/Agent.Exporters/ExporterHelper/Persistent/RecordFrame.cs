using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// How a record sits in a segment file, little-endian: payload length (4 bytes), CRC-32C (4 bytes) over the
/// sequence number and the payload, the queue-wide sequence number (8 bytes), then the payload. A header whose
/// length runs past the file or whose checksum does not match marks a torn or corrupt tail.
/// </summary>
internal static class RecordFrame
{
    public const int HeaderBytes = 16;

    /// <summary>No request is this large; a bigger length is damage, not data.</summary>
    public const int MaxPayloadBytes = 1 << 30;

    public static int FrameBytes(int payloadBytes) => HeaderBytes + payloadBytes;

    /// <summary>Fills the header in front of a payload already written at <c>frame[HeaderBytes..]</c>.</summary>
    public static void WriteHeader(Span<byte> frame, long sequence)
    {
        var payload = frame[HeaderBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(frame[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Checksum(frame[8..]));
    }

    /// <summary>The payload length a header announces, or -1 when it cannot be one.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        return length is < 0 or > MaxPayloadBytes ? -1 : length;
    }

    public static long Sequence(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt64LittleEndian(header[8..]);

    /// <summary>True when the whole frame (header and payload) is intact.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> frame) =>
        frame.Length >= HeaderBytes
        && PayloadLength(frame) == frame.Length - HeaderBytes
        && BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]) == Checksum(frame[8..]);

    /// <summary>CRC-32C (Castagnoli), with the processor's instruction where there is one.</summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (byte b in data[(words.Length * 8)..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
