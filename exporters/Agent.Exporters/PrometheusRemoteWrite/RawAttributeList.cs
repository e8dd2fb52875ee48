using System.Buffers.Binary;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// A data point's encoded attributes laid end to end in one reused buffer, each after its length (four bytes, so
/// that two lists are equal exactly when their attributes are), kept until someone needs them as texts.
/// </summary>
internal sealed class RawAttributeList
{
    private const int LengthBytes = sizeof(int);

    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Attributes were added since the last decoding.</summary>
    public bool Pending { get; set; }

    public void Clear()
    {
        _length = 0;
        Pending = false;
    }

    public void Add(ReadOnlySpan<byte> keyValue)
    {
        int needed = _length + LengthBytes + keyValue.Length;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), keyValue.Length);
        keyValue.CopyTo(_buffer.AsSpan(_length + LengthBytes));
        _length = needed;
        Pending = true;
    }

    /// <summary>Takes the first attribute off <paramref name="rest"/>; false when none is left.</summary>
    public static bool Next(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> keyValue)
    {
        if (rest.Length < LengthBytes)
        {
            keyValue = default;
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        keyValue = rest.Slice(LengthBytes, length);
        rest = rest[(LengthBytes + length)..];
        return true;
    }
}
