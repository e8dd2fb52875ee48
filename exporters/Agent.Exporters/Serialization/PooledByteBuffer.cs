using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Agent.Core.Memory;

namespace Agent.Exporters.Serialization;

/// <summary>
/// A growable byte buffer rented from a pool, reused from one request to the next, with the protobuf primitives the
/// push encoder needs (varints, tags, length-delimited fields). Writing never allocates once the buffer has grown to
/// the size of the largest request. Small arrays come from the runtime's shared pool (fast per thread); large ones
/// from <see cref="HandOffPool{T}"/>, which lets go of them once a burst is over, where the shared pool would keep
/// them until a full collection the idle agent never runs.
/// </summary>
internal sealed class PooledByteBuffer : IDisposable
{
    /// <summary>Room kept for a length prefix written after its content: a varint of up to 2^35.</summary>
    public const int ReservedLengthBytes = 5;

    /// <summary>From this length (a power of two) arrays come from and go back to the hand-off pool.</summary>
    private const int LargeLength = 64 * 1024;

    private readonly int _initialSize;
    private byte[] _buffer;

    public PooledByteBuffer(int initialSize = 64 * 1024)
    {
        _initialSize = initialSize;
        _buffer = Rent(initialSize);
    }

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Forgets everything written after <paramref name="length"/> (to take back a half-written entry).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>Free space of at least <paramref name="size"/> bytes; call <see cref="Advance"/> after writing.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - Length < size)
        {
            Grow(size);
        }

        return _buffer.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        Length++;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
    {
        var span = GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Length += i;
    }

    /// <summary>A field's key: its number and wire type (0 varint, 2 length-delimited).</summary>
    public void WriteTag(int field, int wireType) => WriteVarint((uint)((field << 3) | wireType));

    /// <summary>A length-delimited field with the given bytes (strings, nested messages already encoded).</summary>
    public void WriteLengthDelimited(int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(field, 2);
        WriteVarint((uint)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>
    /// Starts a length-delimited field whose size is not known yet: writes the tag and keeps room for the length.
    /// Returns the position to hand to <see cref="EndLengthDelimited"/>.
    /// </summary>
    public int BeginLengthDelimited(int field)
    {
        WriteTag(field, 2);
        int start = Length;
        GetSpan(ReservedLengthBytes);
        Length += ReservedLengthBytes;
        return start;
    }

    /// <summary>Writes the length of the field begun at <paramref name="start"/> and closes the gap left for it.</summary>
    public void EndLengthDelimited(int start)
    {
        int contentStart = start + ReservedLengthBytes;
        int contentLength = Length - contentStart;
        int prefixLength = VarintSize((uint)contentLength);
        var prefix = _buffer.AsSpan(start, prefixLength);
        uint value = (uint)contentLength;
        int i = 0;
        while (value >= 0x80)
        {
            prefix[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        prefix[i] = (byte)value;
        int gap = ReservedLengthBytes - prefixLength;
        if (gap > 0)
        {
            _buffer.AsSpan(contentStart, contentLength).CopyTo(_buffer.AsSpan(start + prefixLength));
            Length -= gap;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>The size of a length-delimited field with a one-byte tag and <paramref name="length"/> bytes of content.</summary>
    public static int LengthDelimitedSize(int length) => 1 + VarintSize((uint)length) + length;

    /// <summary>Makes room for <paramref name="capacity"/> bytes in one step, instead of doubling through the sizes below.</summary>
    public void Reserve(int capacity)
    {
        if (_buffer.Length < capacity)
        {
            Grow(capacity - Length);
        }
    }

    /// <summary>
    /// Empties the buffer and, when it grew past <paramref name="keepBytes"/>, swaps it for one of its first size, so
    /// a buffer kept between requests does not hold the largest request's array for ever.
    /// </summary>
    public void Shrink(int keepBytes)
    {
        Length = 0;
        if (_buffer.Length > keepBytes)
        {
            Return(_buffer);
            _buffer = Rent(_initialSize);
        }
    }

    private void Grow(int size)
    {
        var bigger = Rent(Math.Max(_buffer.Length * 2, Length + size));
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            Return(_buffer);
            _buffer = [];
        }

        Length = 0;
    }

    private static byte[] Rent(int minimumLength) =>
        BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumLength, 1)) >= LargeLength
            ? HandOffPool<byte>.Shared.Rent(minimumLength)
            : ArrayPool<byte>.Shared.Rent(minimumLength);

    private static void Return(byte[] array)
    {
        if (array.Length >= LargeLength)
        {
            HandOffPool<byte>.Shared.Return(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
