using System.Buffers;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// One shard of the persistent queue: a directory of append-only segments read in order. Records taken out wait
/// for their acknowledgement (sent, or given up on); acknowledgements may come out of order, and the acknowledged
/// cursor moves past the oldest records once they are all acknowledged. Segments wholly behind it are deleted, so
/// the directory shrinks as the queue drains. Not thread-safe: the queue holds its lock around every call.
/// </summary>
internal sealed class ShardLog : IDisposable
{
    /// <summary>
    /// The cursor is written at every acknowledgement (so a killed process resends nothing acknowledged) and forced
    /// to disk at least every this many acknowledgements, and by the queue's timer within
    /// <see cref="CursorSyncInterval"/> of an acknowledgement: what a power cut can send again beyond the records in
    /// flight.
    /// </summary>
    public const int CursorSyncAcknowledgements = 64;

    public static readonly TimeSpan CursorSyncInterval = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly bool _flushSealed;
    private readonly DiskSync _sync;
    private readonly List<QueueSegment> _segments = [];
    private readonly Queue<QueuedRecord> _unread = new();
    private readonly Queue<PendingAck> _pending = new();
    private readonly AckCursorFile _cursor;
    private QueueSegment _ackSegment = null!;
    private long _ackOffset;
    private int _acknowledgedSinceSync;
    private bool _cursorUnsynced;

    private ShardLog(string directory, long segmentBytes, bool flushSealed, DiskSync sync)
    {
        _sync = sync;
        _flushSealed = flushSealed;
        _directory = directory;
        _segmentBytes = segmentBytes;
        _cursor = new AckCursorFile(Path.Combine(directory, "ack"), sync);
    }

    /// <summary>Records appended and not taken yet.</summary>
    public int Unread => _unread.Count;

    /// <summary>The queue-wide sequence number of the next record to take, if any.</summary>
    public long? NextSequence => _unread.TryPeek(out var next) ? next.Sequence : null;

    /// <summary>The highest sequence number found on disk when the shard opened (0 if none).</summary>
    public long LastSequence { get; private set; }

    /// <summary>The records still to send when the shard opened, oldest first.</summary>
    public IEnumerable<QueuedRecord> Recovered => _unread;

    /// <summary>True when the stored cursor was written since it was last forced to disk (never, with <c>fsync: never</c>).</summary>
    public bool CursorUnsynced => _flushSealed && _cursorUnsynced;

    /// <summary>Bytes of segment files on disk.</summary>
    public long DiskBytes => _segments.Sum(segment => segment.Length);

    /// <summary>
    /// Opens the shard in <paramref name="directory"/> (created if missing): deletes segments the stored cursor
    /// says are acknowledged, cuts any torn or corrupt tail (told to <paramref name="truncated"/> with the bytes
    /// cut), queues every intact record after the cursor, and starts a new segment to append to.
    /// </summary>
    public static ShardLog Open(string directory, long segmentBytes, bool flushSealed, DiskSync sync, Action<string, long> truncated)
    {
        Directory.CreateDirectory(directory);
        sync.Directory(Path.GetDirectoryName(Path.GetFullPath(directory))!);
        var log = new ShardLog(directory, segmentBytes, flushSealed, sync);
        try
        {
            log.Recover(truncated);
            return log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    public QueuedRecord Append(ReadOnlySpan<byte> frame, long sequence, int items)
    {
        var active = _segments[^1];
        if (active.Length > 0 && active.Length + frame.Length > _segmentBytes)
        {
            active = Roll();
        }

        var record = new QueuedRecord(sequence, active, active.Length, frame.Length, items);
        active.Append(frame);
        _unread.Enqueue(record);
        return record;
    }

    /// <summary>
    /// When every record of the shard is acknowledged, starts a new segment so the one being written, which holds
    /// only delivered records, is deleted; false when it still holds records or nothing. A segment is otherwise
    /// deleted only once the next one starts, which a segment that never fills (a disk smaller than a segment per
    /// shard) never does: once such a disk was full, it stayed full of delivered records. Called when a write found
    /// no space, not on every acknowledgement, which would make and delete a file per request.
    /// </summary>
    public bool ReleaseDelivered()
    {
        if (_unread.Count > 0 || _pending.Count > 0 || _segments[^1].Length == 0)
        {
            return false;
        }

        Roll();
        return true;
    }

    /// <summary>Takes the next record; it stays on disk until <see cref="Acknowledge"/>.</summary>
    public PendingAck Take()
    {
        var pending = new PendingAck(_unread.Dequeue());
        _pending.Enqueue(pending);
        return pending;
    }

    /// <summary>The request a taken record holds, or null when its bytes no longer check out.</summary>
    public ExportRequest? Read(QueuedRecord record)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(record.FrameBytes);
        try
        {
            var span = frame.AsSpan(0, record.FrameBytes);
            if (!record.Segment.TryRead(record.Offset, span) || !RecordFrame.IsIntact(span) || RecordFrame.Sequence(span) != record.Sequence)
            {
                return null;
            }

            return ExportRequestFormat.Read(span[RecordFrame.HeaderBytes..]);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Marks a taken record done; the cursor moves past every oldest record that is done, and space is freed.</summary>
    public void Acknowledge(PendingAck pending)
    {
        pending.Acknowledged = true;
        bool moved = false;
        while (_pending.TryPeek(out var oldest) && oldest.Acknowledged)
        {
            var record = _pending.Dequeue().Record;
            _ackSegment = record.Segment;
            _ackOffset = record.Offset + record.FrameBytes;
            moved = true;
        }

        if (moved)
        {
            Reclaim();
        }

        // Only a durable queue syncs (flushSealed is fsync: always or interval); the queue's timer covers a pause.
        if (_flushSealed && ++_acknowledgedSinceSync >= CursorSyncAcknowledgements)
        {
            SyncCursor();
        }
    }

    /// <summary>Forces the stored cursor to disk.</summary>
    public void SyncCursor()
    {
        _cursor.Flush();
        _acknowledgedSinceSync = 0;
        _cursorUnsynced = false;
    }

    /// <summary>Forces the segment being written to disk.</summary>
    public void Flush() => _segments[^1].Flush();

    /// <summary>The segment being written to (the only one that can hold unflushed records: sealing flushes).</summary>
    public QueueSegment Active => _segments[^1];

    public void Dispose()
    {
        if (CursorUnsynced)
        {
            SyncCursor();
        }

        foreach (var segment in _segments)
        {
            segment.Dispose();
        }

        _cursor.Dispose();
    }

    private void Recover(Action<string, long> truncated)
    {
        var stored = _cursor.Read();
        var ids = Directory.EnumerateFiles(_directory)
            .Select(path => QueueSegment.TryParseId(path, out long id) ? id : -1)
            .Where(id => id >= 0)
            .Order()
            .ToList();
        long lastId = stored?.Segment ?? 0;
        foreach (long id in ids)
        {
            lastId = Math.Max(lastId, id);
            var segment = new QueueSegment(_directory, id, new FileInfo(QueueSegment.PathOf(_directory, id)).Length, _sync);
            if (stored is { } acknowledged && id < acknowledged.Segment)
            {
                // Acknowledged whole before the process stopped, but not yet deleted.
                segment.Delete();
                continue;
            }

            long from = stored is { } cursor && id == cursor.Segment ? cursor.Offset : 0;
            long intact = Scan(segment, from);
            if (intact < segment.Length)
            {
                truncated(segment.Path, segment.Length - intact);
                segment.Truncate(intact);
            }

            if (segment.Length == 0)
            {
                segment.Delete();
                continue;
            }

            _segments.Add(segment);
        }

        var active = new QueueSegment(_directory, lastId + 1, 0, _sync);
        active.Create();
        _segments.Add(active);
        (_ackSegment, _ackOffset) = _unread.TryPeek(out var first) ? (first.Segment, first.Offset) : (active, 0);
        Reclaim();
    }

    /// <summary>Queues the intact records of a segment from <paramref name="from"/> on; returns where the intact part ends.</summary>
    private long Scan(QueueSegment segment, long from)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long offset = 0;
            while (offset + RecordFrame.HeaderBytes <= segment.Length)
            {
                if (!segment.TryRead(offset, buffer.AsSpan(0, RecordFrame.HeaderBytes)))
                {
                    break;
                }

                int payload = RecordFrame.PayloadLength(buffer);
                if (payload < 0 || offset + RecordFrame.FrameBytes(payload) > segment.Length)
                {
                    break;
                }

                int frameBytes = RecordFrame.FrameBytes(payload);
                if (buffer.Length < frameBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(frameBytes);
                }

                var frame = buffer.AsSpan(0, frameBytes);
                if (!segment.TryRead(offset, frame) || !RecordFrame.IsIntact(frame))
                {
                    break;
                }

                int items = ExportRequestFormat.PeekItems(frame[RecordFrame.HeaderBytes..]);
                if (items < 0)
                {
                    break;
                }

                long sequence = RecordFrame.Sequence(frame);
                LastSequence = Math.Max(LastSequence, sequence);
                if (offset >= from)
                {
                    _unread.Enqueue(new QueuedRecord(sequence, segment, offset, frameBytes, items));
                }

                offset += frameBytes;
            }

            return offset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private QueueSegment Roll()
    {
        var sealedSegment = _segments[^1];
        sealedSegment.Seal(_flushSealed);
        var next = new QueueSegment(_directory, sealedSegment.Id + 1, 0, _sync);
        next.Create();
        _segments.Add(next);
        Reclaim();
        return next;
    }

    /// <summary>Stores the cursor and deletes the sealed segments wholly behind it.</summary>
    private void Reclaim()
    {
        while (_segments.Count > 1)
        {
            var oldest = _segments[0];
            bool behind = oldest.Id < _ackSegment.Id || (oldest == _ackSegment && _ackOffset >= oldest.Length);
            if (!behind)
            {
                break;
            }

            if (oldest == _ackSegment)
            {
                (_ackSegment, _ackOffset) = (_segments[1], 0);
            }

            oldest.Delete();
            _segments.RemoveAt(0);
        }

        _cursor.Write(_ackSegment.Id, _ackOffset);
        _cursorUnsynced = true;
    }
}

/// <summary>Where one record of a shard is, and what the queue's bounds count of it.</summary>
internal readonly record struct QueuedRecord(long Sequence, QueueSegment Segment, long Offset, int FrameBytes, int Items);

/// <summary>A record taken out of its shard and not acknowledged yet.</summary>
internal sealed class PendingAck(QueuedRecord record)
{
    public QueuedRecord Record { get; } = record;

    public bool Acknowledged { get; set; }
}
