using System.Runtime.CompilerServices;

namespace Agent.Core.Model.Wire;

/// <summary>The protobuf base-128 varint, as every wire reader of the agent reads it.</summary>
public static class ProtobufVarint
{
    /// <summary>
    /// Reads a varint of at most ten bytes (as Google.Protobuf reads both 32- and 64-bit ones) from the start of
    /// <paramref name="bytes"/> and moves past it; false when the bytes end first or it runs longer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ref ReadOnlySpan<byte> bytes, out ulong value)
    {
        // Most tags and lengths fit in one byte: that case is inlined, the loop is not.
        if (!bytes.IsEmpty && bytes[0] < 0x80)
        {
            value = bytes[0];
            bytes = bytes[1..];
            return true;
        }

        return TryReadLong(ref bytes, out value);
    }

    private static bool TryReadLong(ref ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        for (int i = 0; i < 10 && i < bytes.Length; i++)
        {
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if (bytes[i] < 0x80)
            {
                bytes = bytes[(i + 1)..];
                return true;
            }
        }

        return false;
    }
}
