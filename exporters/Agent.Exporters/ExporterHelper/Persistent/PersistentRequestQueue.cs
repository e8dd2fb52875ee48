using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// The <see cref="IRequestQueue"/> on disk (<c>sending_queue.storage</c>): each shard is a directory of append-only
/// segments (<see cref="ShardLog"/>) of checksummed records in <see cref="ExportRequestFormat"/>. A request is
/// durable once <see cref="TryEnqueue"/> or <see cref="EnqueueAsync"/> returns (forced to disk first with
/// <c>fsync: always</c>), so its sources may be told it was accepted. A record leaves the queue when the exporter
/// acknowledges it (sent, or given up on), not when it is taken: what was taken but not acknowledged before a
/// restart is sent again. Bounded in the sizer's units and in bytes of records held; when full it waits
/// (<c>overflow: block</c>) or drops the oldest records not yet taken (<c>drop_oldest</c>, counted).
/// </summary>
public sealed class PersistentRequestQueue : IRequestQueue, IDisposable
{
    private readonly object _gate = new();
    private readonly ShardLog[] _logs;
    private readonly QueueWakeups _wakeups;
    private readonly Dictionary<ExportRequest, (ShardLog Log, PendingAck Pending)> _taken = new(ReferenceEqualityComparer.Instance);
    private readonly ArrayBufferWriter<byte> _frame = new(64 * 1024);
    private readonly string _sizer;
    private readonly long _capacityBytes;
    private readonly bool _dropOldest;
    private readonly bool _flushEachAppend;
    private readonly Signal _signal;
    private readonly ExporterTelemetry _telemetry;
    private readonly ITimer? _flushTimer;
    private readonly ITimer? _cursorTimer;
    private readonly DiskSync _sync;

    // Group commit (fsync: always): appends are numbered under _gate; one flush at a time, outside _gate, covers
    // every append numbered before it started, so appenders that queued up behind a flush share the next one.
    private readonly SemaphoreSlim _flushTurn = new(1, 1);
    private readonly List<(QueueSegment Segment, SafeFileHandle Handle)> _flushing = [];
    private long _appended;
    private long _synced;
    private long _nextSequence;
    private long _units;
    private long _bytes;
    private int _held;
    private int _count;
    private bool _completed;
    private bool _disposed;
    private bool _cursorTimerArmed;

    /// <summary>
    /// Opens (or creates) the queue in <paramref name="directory"/> with <paramref name="shards"/> ordered shards,
    /// recovering what an earlier run left. Shard directories beyond <paramref name="shards"/> (num_consumers was
    /// lowered) are still read, by the shard they fold onto.
    /// </summary>
    public PersistentRequestQueue(string directory, SendingQueueOptions options, int shards, Signal signal, ExporterTelemetry telemetry, ILogger logger, TimeProvider? time = null, long? segmentBytes = null)
        : this(options.Fsync == "never" ? DiskSync.FilesOnly : DiskSync.Durable, directory, options, shards, signal, telemetry, logger, time, segmentBytes)
    {
    }

    /// <summary>The same, with <paramref name="sync"/> doing the fsyncs (a test watches them).</summary>
    internal PersistentRequestQueue(DiskSync sync, string directory, SendingQueueOptions options, int shards, Signal signal, ExporterTelemetry telemetry, ILogger logger, TimeProvider? time, long? segmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _sync = sync;
        _sizer = options.Sizer;
        Capacity = options.QueueSize;
        _capacityBytes = options.MaxSizeMib * 1024 * 1024;
        _dropOldest = options.Overflow == "drop_oldest";
        _flushEachAppend = options.Fsync == "always";
        _signal = signal;
        _telemetry = telemetry;
        Shards = shards;
        _wakeups = new QueueWakeups(shards);

        // Segments small enough that draining frees space early, large enough that files stay few.
        long segment = segmentBytes ?? Math.Clamp(_capacityBytes / 16, 64 * 1024, 8 * 1024 * 1024);
        int existing = Directory.Exists(directory) ? Directory.EnumerateDirectories(directory, "shard-*").Count() : 0;
        _logs = new ShardLog[Math.Max(shards, existing)];
        try
        {
            for (int i = 0; i < _logs.Length; i++)
            {
                _logs[i] = ShardLog.Open(Path.Combine(directory, "shard-" + i.ToString(CultureInfo.InvariantCulture)), segment, options.Fsync != "never", sync, (path, bytes) =>
                {
                    logger.LogWarning("Sending queue: cut a torn or corrupt tail of {Bytes} bytes off {Segment}", bytes, path);
                    telemetry.QueueTruncated(signal);
                });
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        foreach (var log in _logs)
        {
            _nextSequence = Math.Max(_nextSequence, log.LastSequence);
            foreach (var record in log.Recovered)
            {
                Hold(record);
            }
        }

        _nextSequence++;
        if (existing > 0 && existing != shards && _count > 0)
        {
            // Keys are spread by the shard count: what is queued under the old count and what comes under the new
            // one may leave through two shards side by side.
            logger.LogWarning(
                "Sending queue in {Directory} holds records of {Existing} shards, but now has {Shards} (num_consumers changed): records of one key may go out of order once",
                directory, existing, shards);
        }

        var clock = time ?? TimeProvider.System;
        if (options.Fsync == "interval")
        {
            _flushTimer = clock.CreateTimer(_ => FlushOnTimer(logger), null, options.FsyncInterval, options.FsyncInterval);
        }

        if (options.Fsync != "never")
        {
            // Armed by an acknowledgement that leaves a cursor unsynced, so a last one is not left to the next.
            _cursorTimer = clock.CreateTimer(_ => SyncCursorsOnTimer(logger), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        ReportStorage();
    }

    public int Shards { get; }

    public bool Durable => true;

    public long Capacity { get; }

    public long Size => Interlocked.Read(ref _units);

    /// <summary>Records not taken yet.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of records held (not acknowledged yet).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes of segment files on disk, acknowledged records in a segment still partly held included.</summary>
    public long DiskBytes
    {
        get
        {
            lock (_gate)
            {
                return _logs.Sum(log => log.DiskBytes);
            }
        }
    }

    public bool TryEnqueue(ExportRequest request, int shard)
    {
        long appended;
        lock (_gate)
        {
            if (_completed || !MakeRoom(Serialize(request), request.Items))
            {
                return false;
            }

            appended = Append(request, shard);
        }

        if (_flushEachAppend)
        {
            _flushTurn.Wait();
            FlushTurn(appended);
        }

        ReportStorage();
        return true;
    }

    public async ValueTask EnqueueAsync(ExportRequest request, int shard, CancellationToken cancellationToken)
    {
        long appended;
        while (true)
        {
            Task roomFreed;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_completed)
                {
                    throw new InvalidOperationException("The sending queue is shut down.");
                }

                if (MakeRoom(Serialize(request), request.Items))
                {
                    appended = Append(request, shard);
                    break;
                }

                roomFreed = _wakeups.RoomFreedTask();
            }

            await roomFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Not cancellable: the record is in the queue already, and the wait is one fsync at most.
        if (_flushEachAppend)
        {
            await _flushTurn.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            FlushTurn(appended);
        }

        ReportStorage();
    }

    public async ValueTask<ExportRequest?> DequeueAsync(int shard, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task filled;
            lock (_gate)
            {
                // Once shut, what is left stays on disk for the next start.
                if (_completed)
                {
                    return null;
                }

                if (TryTake(shard) is { } request)
                {
                    return request;
                }

                filled = _wakeups.ShardFilledTask(shard);
            }

            await filled.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Nothing is failed at shutdown: what was not sent stays on disk.</summary>
    public bool TryDequeueAny(out ExportRequest request)
    {
        request = null!;
        return false;
    }

    public void Acknowledge(ExportRequest request)
    {
        lock (_gate)
        {
            if (_disposed || !_taken.Remove(request, out var taken))
            {
                return;
            }

            taken.Log.Acknowledge(taken.Pending);
            Release(taken.Pending.Record);
            if (!_cursorTimerArmed && taken.Log.CursorUnsynced && _cursorTimer is not null)
            {
                _cursorTimerArmed = true;
                _cursorTimer.Change(ShardLog.CursorSyncInterval, Timeout.InfiniteTimeSpan);
            }
        }

        ReportStorage();
    }

    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            _wakeups.WakeAll();
        }
    }

    /// <summary>Forces what was appended to disk (the <c>interval</c> policy's timer; also at close).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var log in _logs)
            {
                log.Flush();
            }

            SyncCursors();
        }
    }

    public void Dispose()
    {
        Complete();
        _flushTimer?.Dispose();
        _cursorTimer?.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var log in _logs)
            {
                log?.Flush();
                log?.Dispose();
            }
        }
    }

    /// <summary>Writes the request's frame (header left for <see cref="Append"/>) into the reused buffer; returns its size.</summary>
    private int Serialize(ExportRequest request)
    {
        _frame.ResetWrittenCount();
        _frame.Advance(RecordFrame.HeaderBytes);
        ExportRequestFormat.Write(request, _frame);
        return _frame.WrittenCount;
    }

    private bool MakeRoom(int frameBytes, int items)
    {
        while (_held > 0 && (_units + UnitsOf(frameBytes, items) > Capacity || _bytes + frameBytes > _capacityBytes))
        {
            if (!_dropOldest || !DropOldest())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Deletes the segment files of the shards whose records were all delivered; false when none had one.</summary>
    private bool ReleaseDelivered()
    {
        bool released = false;
        foreach (var log in _logs)
        {
            released |= log.ReleaseDelivered();
        }

        return released;
    }

    /// <summary>Drops the oldest record not taken yet, across shards; false when every held record is being sent.</summary>
    private bool DropOldest()
    {
        ShardLog? oldest = null;
        foreach (var log in _logs)
        {
            if (log.NextSequence is { } next && (oldest is null || next < oldest.NextSequence))
            {
                oldest = log;
            }
        }

        if (oldest is null)
        {
            return false;
        }

        var pending = oldest.Take();
        _count--;
        oldest.Acknowledge(pending);
        Release(pending.Record);
        _telemetry.SendFailed(_signal, pending.Record.Items, "queue_overflow");
        return true;
    }

    /// <summary>Appends the serialized request to its shard; returns the append's number, for the group commit.</summary>
    private long Append(ExportRequest request, int shard)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long sequence = _nextSequence++;

        // The header is in place in the writer's buffer, in front of the payload.
        RecordFrame.WriteHeader(MemoryMarshal.AsMemory(_frame.WrittenMemory).Span, sequence);
        QueuedRecord record;
        try
        {
            record = _logs[shard].Append(_frame.WrittenSpan, sequence, request.Items);
        }
        catch (IOException) when (ReleaseDelivered())
        {
            // Out of space, and segments of delivered records held some: they are gone now, so the write is tried again.
            record = _logs[shard].Append(_frame.WrittenSpan, sequence, request.Items);
        }

        Hold(record);
        _wakeups.ShardFilled(shard);
        return ++_appended;
    }

    /// <summary>
    /// With the flush turn held (released here): returns once append number <paramref name="appended"/> is on
    /// disk, flushing every segment with unflushed records unless a flush since has covered it already.
    /// </summary>
    private void FlushTurn(long appended)
    {
        try
        {
            if (_synced >= appended)
            {
                return;
            }

            long upTo;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                upTo = _appended;
                foreach (var log in _logs)
                {
                    if (log.Active.BeginFlush() is { } handle)
                    {
                        _flushing.Add((log.Active, handle));
                    }
                }
            }

            int flushed = 0;
            try
            {
                for (; flushed < _flushing.Count; flushed++)
                {
                    _sync.File(_flushing[flushed].Handle, _flushing[flushed].Segment.Path);
                }

                _synced = upTo;
            }
            finally
            {
                lock (_gate)
                {
                    for (int i = 0; i < _flushing.Count; i++)
                    {
                        _flushing[i].Segment.EndFlush(_flushing[i].Handle, i < flushed);
                    }
                }

                _flushing.Clear();
            }
        }
        finally
        {
            _flushTurn.Release();
        }
    }

    /// <summary>The shard's next request, from its own directory or one folded onto it; skips (and counts) records whose bytes are damaged.</summary>
    private ExportRequest? TryTake(int shard)
    {
        for (int i = shard; i < _logs.Length; i += Shards)
        {
            var log = _logs[i];
            while (log.Unread > 0)
            {
                var pending = log.Take();
                _count--;
                if (log.Read(pending.Record) is { } request)
                {
                    _taken[request] = (log, pending);
                    return request;
                }

                log.Acknowledge(pending);
                Release(pending.Record);
                _telemetry.SendFailed(_signal, pending.Record.Items, "corrupt");
            }
        }

        return null;
    }

    private void Hold(QueuedRecord record)
    {
        _units += UnitsOf(record.FrameBytes, record.Items);
        _bytes += record.FrameBytes;
        _held++;
        _count++;
    }

    private void Release(QueuedRecord record)
    {
        _units -= UnitsOf(record.FrameBytes, record.Items);
        _bytes -= record.FrameBytes;
        _held--;
        _wakeups.RoomFreed();
    }

    private long UnitsOf(int frameBytes, int items) => _sizer switch
    {
        "items" => items,
        "bytes" => frameBytes,
        _ => 1,
    };

    /// <summary>A failing fsync (a disk error) is logged and tried again at the next tick; it must not end the process.</summary>
    private void FlushOnTimer(ILogger logger)
    {
        try
        {
            Flush();
        }
        catch (IOException ex)
        {
            logger.LogError(ex, "Sending queue: forcing appended records to disk failed");
        }
    }

    /// <summary>Under the lock: forces every cursor written since its last fsync.</summary>
    private void SyncCursors()
    {
        foreach (var log in _logs)
        {
            if (log.CursorUnsynced)
            {
                log.SyncCursor();
            }
        }
    }

    /// <summary>The cursor timer: what acknowledgements left unsynced goes to disk now (a failure is logged, as the flush timer's).</summary>
    private void SyncCursorsOnTimer(ILogger logger)
    {
        lock (_gate)
        {
            _cursorTimerArmed = false;
            if (_disposed)
            {
                return;
            }

            try
            {
                SyncCursors();
            }
            catch (IOException ex)
            {
                logger.LogError(ex, "Sending queue: forcing the acknowledgement cursor to disk failed");
            }
        }
    }

    private void ReportStorage()
    {
        long requests, bytes;
        lock (_gate)
        {
            (requests, bytes) = (_held, _bytes);
        }

        _telemetry.SetQueueStorage(_signal, requests, bytes, _capacityBytes);
    }
}
