using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// Where a shard's acknowledged records end: the segment and offset of its first record not yet acknowledged, as
/// 20 bytes (segment, offset, CRC-32C) rewritten in place. A cursor that lags only resends records (at least once);
/// a cursor that is missing or damaged starts at the oldest segment, for the same reason.
/// </summary>
internal sealed class AckCursorFile : IDisposable
{
    private const int Bytes = 20;
    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer = new byte[Bytes];
    private readonly string _path;
    private readonly DiskSync _sync;

    public AckCursorFile(string path, DiskSync sync)
    {
        _path = path;
        _sync = sync;
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <summary>The stored cursor, or null when there is none or it is damaged.</summary>
    public (long Segment, long Offset)? Read()
    {
        if (RandomAccess.Read(_handle, _buffer, 0) != Bytes)
        {
            return null;
        }

        var span = _buffer.AsSpan();
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[16..]) != RecordFrame.Checksum(span[..16]))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span[8..]));
    }

    public void Write(long segment, long offset)
    {
        var span = _buffer.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, segment);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], RecordFrame.Checksum(span[..16]));
        RandomAccess.Write(_handle, span, 0);
    }

    /// <summary>Forces the cursor to disk (a write alone survives a killed process, not a power cut).</summary>
    public void Flush() => _sync.File(_handle, _path);

    public void Dispose() => _handle.Dispose();
}
