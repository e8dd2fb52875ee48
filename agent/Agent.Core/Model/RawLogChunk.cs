using Agent.Core.Memory;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// Log lines read from one file, so one resource: the line bytes sit in one pooled buffer and the entries point
/// into it. The buffers go back to the pool when the last holder lets go (<see cref="Dispose"/>): the source hands
/// its hold to the batch, a fan-out adds one per consumer sharing the batch, and an exporter lets go once it has
/// encoded the lines, long before they are delivered. A chunk nobody lets go of is simply collected.
/// </summary>
public sealed class RawLogChunk : IDisposable
{
    private byte[] _buffer;
    private RawLogEntry[] _entries;
    private readonly bool _pooled;
    private HoldCount _holds = HoldCount.One;

    public RawLogChunk(Resource resource, int bufferSize = 64 * 1024, int entryCapacity = 512)
    {
        Resource = resource;
        _buffer = HandOffPool<byte>.Shared.Rent(bufferSize);
        _entries = HandOffPool<RawLogEntry>.Shared.Rent(entryCapacity);
        _pooled = true;
    }

    private RawLogChunk(Resource resource, byte[] buffer, RawLogEntry[] entries, int length, int count)
    {
        Resource = resource;
        _buffer = buffer;
        _entries = entries;
        Length = length;
        Count = count;
    }

    /// <summary>
    /// The resource of every line in the chunk (from the file's path, then enriched by processors). Each chunk has
    /// its own copy: processors change it in place while exporters may still be encoding an earlier chunk of the
    /// same file on another thread.
    /// </summary>
    public Resource Resource { get; set; }

    /// <summary>When the lines were read (nanoseconds since the Unix epoch); 0 when unknown. The OTLP observed time.</summary>
    public long ObservedTimeUnixNano { get; set; }

    /// <summary>Bytes of the buffer in use.</summary>
    public int Length { get; private set; }

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public ReadOnlySpan<RawLogEntry> Entries => _entries.AsSpan(0, Count);

    /// <summary>The line bytes of an entry.</summary>
    public ReadOnlySpan<byte> Line(in RawLogEntry entry) => _buffer.AsSpan(entry.Offset, entry.Length);

    /// <summary>A field found in a line (level, trace id, span id); empty when absent.</summary>
    public ReadOnlySpan<byte> Field(int offset, int length) =>
        offset < 0 ? default : _buffer.AsSpan(offset, length);

    /// <summary>Free space at the end of the buffer, growing it (from the pool) when less than <paramref name="sizeHint"/>.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        if (_buffer.Length - Length < sizeHint)
        {
            HandOffPool<byte>.Shared.Grow(ref _buffer, Length, Length + sizeHint);
        }

        return _buffer.AsSpan(Length);
    }

    /// <summary>Marks <paramref name="count"/> bytes written after <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => Length += count;

    /// <summary>Appends an entry whose offsets point into bytes already written.</summary>
    public void Add(in RawLogEntry entry)
    {
        if (Count == _entries.Length)
        {
            HandOffPool<RawLogEntry>.Shared.Grow(ref _entries, Count, Count + 1);
        }

        _entries[Count++] = entry;
    }

    /// <summary>Empties the chunk for reuse, keeping its buffers.</summary>
    public void Reset()
    {
        Length = 0;
        Count = 0;
    }

    /// <summary>An independent copy (own arrays, own resource) for a consumer that mutates.</summary>
    public RawLogChunk Clone() =>
        new(Resource.Clone(), _buffer.AsSpan(0, Length).ToArray(), _entries.AsSpan(0, Count).ToArray(), Length, Count)
        {
            ObservedTimeUnixNano = ObservedTimeUnixNano,
        };

    /// <summary>Adds <paramref name="count"/> holders, each of which must <see cref="Dispose"/> once.</summary>
    public void Retain(int count) => _holds.Retain(count);

    /// <summary>Lets go of one hold; the last one returns the buffers, which nobody may read afterwards.</summary>
    public void Dispose()
    {
        if (!_holds.ReleaseIsLast())
        {
            return;
        }

        if (_pooled && _buffer.Length > 0)
        {
            HandOffPool<byte>.Shared.Return(_buffer);
            HandOffPool<RawLogEntry>.Shared.Return(_entries);
        }

        _buffer = [];
        _entries = [];
        Length = 0;
        Count = 0;
    }
}
