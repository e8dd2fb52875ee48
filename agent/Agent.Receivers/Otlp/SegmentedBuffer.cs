using System.Buffers;
using Agent.Core.Memory;

namespace Agent.Receivers.Otlp;

/// <summary>
/// A growing buffer made of pooled segments (16 KiB doubling up to 1 MiB), read back as one
/// <see cref="ReadOnlySequence{T}"/>. Large bodies never need one huge array nor a copy when they grow, and
/// every segment goes back to the pool on dispose.
/// </summary>
internal sealed class SegmentedBuffer : IDisposable
{
    private const int FirstSegment = 16 * 1024;
    private const int LargestSegment = 1024 * 1024;

    private Segment? _first;
    private Segment? _last;

    public long Length { get; private set; }

    /// <summary>Free space at the end, at least one byte.</summary>
    public Memory<byte> GetMemory()
    {
        if (_last is null || _last.Written == _last.Array.Length)
        {
            int size = _last is null ? FirstSegment : Math.Min(_last.Array.Length * 2, LargestSegment);
            var segment = new Segment(HandOffPool<byte>.Shared.Rent(size), _last);
            _first ??= segment;
            _last = segment;
        }

        return _last.Array.AsMemory(_last.Written);
    }

    public void Advance(int count)
    {
        _last!.Written += count;
        Length += count;
    }

    public ReadOnlySequence<byte> Sequence
    {
        get
        {
            if (_first is null)
            {
                return ReadOnlySequence<byte>.Empty;
            }

            for (var segment = _first; segment is not null; segment = segment.NextSegment)
            {
                segment.Seal();
            }

            return new ReadOnlySequence<byte>(_first, 0, _last!, _last!.Written);
        }
    }

    public void Dispose()
    {
        for (var segment = _first; segment is not null; segment = segment.NextSegment)
        {
            HandOffPool<byte>.Shared.Return(segment.Array);
        }

        _first = _last = null;
        Length = 0;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] array, Segment? previous)
        {
            Array = array;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Written;
                previous.Next = this;
            }
        }

        public byte[] Array { get; }

        public int Written { get; set; }

        public Segment? NextSegment => (Segment?)Next;

        /// <summary>Exposes what was written so far as this segment's memory.</summary>
        public void Seal() => Memory = Array.AsMemory(0, Written);
    }
}
