using System.Buffers;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Joins the parts of lines that the runtime split (CRI <c>P</c> … <c>F</c>, docker lines without a final newline),
/// per stream, up to the maximum record size: the rest is dropped and the record is flagged truncated. Parts are
/// joined raw so that a character cut between two parts is whole again before it is checked.
/// </summary>
internal sealed class PartialLineJoiner : IDisposable
{
    private readonly int _maxSize;
    private readonly Pending[] _pending = [new(), new(), new()];

    public PartialLineJoiner(int maxSize)
    {
        _maxSize = maxSize;
    }

    public bool IsPending(LogStream stream) => _pending[(int)stream].StartOffset >= 0;

    /// <summary>The file offset of the first part of the pending line of <paramref name="stream"/>, or -1.</summary>
    public long StartOffset(LogStream stream) => _pending[(int)stream].StartOffset;

    public void Append(LogStream stream, long lineOffset, long timeUnixNano, ReadOnlySpan<byte> part)
    {
        var pending = _pending[(int)stream];
        if (pending.StartOffset < 0)
        {
            pending.StartOffset = lineOffset;
            pending.TimeUnixNano = timeUnixNano;
        }

        if (pending.Truncated)
        {
            return;
        }

        int room = _maxSize - pending.Length;
        if (part.Length > room)
        {
            part = Utf8Sanitizer.Truncate(part, room);
            pending.Truncated = true;
        }

        if (part.IsEmpty)
        {
            return;
        }

        if (pending.Buffer.Length - pending.Length < part.Length)
        {
            int size = Math.Min(_maxSize, Math.Max(pending.Buffer.Length * 2, Math.Max(pending.Length + part.Length, 16 * 1024)));
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            pending.Buffer.AsSpan(0, pending.Length).CopyTo(bigger);
            Return(pending.Buffer);
            pending.Buffer = bigger;
        }

        part.CopyTo(pending.Buffer.AsSpan(pending.Length));
        pending.Length += part.Length;
    }

    /// <summary>The joined line of <paramref name="stream"/>; valid until the next call on this joiner. Clears the stream.</summary>
    public ReadOnlySpan<byte> Take(LogStream stream, out long timeUnixNano, out bool truncated)
    {
        var pending = _pending[(int)stream];
        timeUnixNano = pending.TimeUnixNano;
        truncated = pending.Truncated;
        var joined = pending.Buffer.AsSpan(0, pending.Length);
        pending.Clear();
        return joined;
    }

    /// <summary>Forgets every pending line (the file is read again from a checkpoint or was truncated).</summary>
    public void Clear()
    {
        foreach (var pending in _pending)
        {
            pending.Clear();
        }
    }

    public void Dispose()
    {
        foreach (var pending in _pending)
        {
            Return(pending.Buffer);
            pending.Buffer = [];
            pending.Clear();
        }
    }

    private static void Return(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Pending
    {
        public byte[] Buffer = [];
        public int Length;
        public long StartOffset = -1;
        public long TimeUnixNano;
        public bool Truncated;

        public void Clear()
        {
            Length = 0;
            StartOffset = -1;
            TimeUnixNano = 0;
            Truncated = false;
        }
    }
}
