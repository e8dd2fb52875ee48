using Agent.Core.Memory;
using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// A write-only stream into a buffer rented from <see cref="HandOffPool{T}.Shared"/>, for encoders that write
/// through a <see cref="Stream"/> (gzip): the bytes end up in a pooled request body instead of a
/// <see cref="MemoryStream"/> that grows by copying into new arrays, on the large object heap once past 85 kB.
/// </summary>
public sealed class PooledWriteStream : Stream
{
    private byte[] _buffer;
    private int _length;
    private Stream? _copyOnDispose;

    /// <param name="initialCapacity">Bytes rented up front.</param>
    /// <param name="copyOnDispose">A stream that gets everything written, in one write, when this one is disposed.</param>
    public PooledWriteStream(int initialCapacity, Stream? copyOnDispose = null)
    {
        _buffer = HandOffPool<byte>.Shared.Rent(Math.Max(initialCapacity, 1));
        _copyOnDispose = copyOnDispose;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_buffer.Length - _length < buffer.Length)
        {
            HandOffPool<byte>.Shared.Grow(ref _buffer, _length, _length + buffer.Length);
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>The written bytes as a request that gives the buffer back when it completes; the stream is empty afterwards.</summary>
    public ExportRequest ToRequest(Signal signal, int items, string contentType, string? contentEncoding)
    {
        var request = ExportRequest.FromRented(signal, items, _buffer, _length, contentType, contentEncoding: contentEncoding);
        _buffer = [];
        _length = 0;
        return request;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _copyOnDispose is { } target)
        {
            _copyOnDispose = null;
            target.Write(_buffer.AsSpan(0, _length));
        }

        if (_buffer.Length > 0)
        {
            HandOffPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        base.Dispose(disposing);
    }
}
