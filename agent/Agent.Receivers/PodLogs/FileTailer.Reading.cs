using System.Buffers;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.PodLogs;

/// <summary>The read side of a tailer: one cycle reads what was appended into one batch.</summary>
internal sealed partial class FileTailer
{
    private enum CycleOutcome
    {
        /// <summary>Nothing new in the file.</summary>
        Idle,

        /// <summary>A batch (or a position) was handed on.</summary>
        Sent,

        /// <summary>The file changed under us (truncated); look again at once.</summary>
        Restarted,
    }

    /// <summary>The smallest read worth a system call.</summary>
    private const int MinRead = 4096;

    private async Task<CycleOutcome> ReadCycleAsync(CancellationToken stopping)
    {
        var status = FileStatus.Of(_handle);
        LastStatus = status;
        ObserveSize(status.Size);
        if (status.Size < _readOffset)
        {
            await OnTruncatedAsync(stopping).ConfigureAwait(false);
            return CycleOutcome.Restarted;
        }

        if (status.Links == 0)
        {
            // Deleted while open (the pod is gone): read what is left within the grace period.
            MarkGone(replaced: false);
        }

        if (status.Size == _readOffset)
        {
            if (_buffered == 0)
            {
                // An idle file holds no buffer: many files on a node are quiet most of the time.
                ReturnBuffer();
            }

            return CycleOutcome.Idle;
        }

        // Room for this cycle's batch among everything the receiver has in flight, before any buffer is taken.
        long reserved = _settings.MaxBatchBytes;
        await _settings.Budget.ReserveAsync(reserved, stopping).ConfigureAwait(false);
        try
        {
            return await ReadBatchAsync(reserved, stopping).ConfigureAwait(false);
        }
        catch
        {
            _settings.Budget.Release(reserved);
            throw;
        }
    }

    /// <summary>Reads what was appended into one batch and hands it on; the reservation goes with it.</summary>
    private async Task<CycleOutcome> ReadBatchAsync(long reserved, CancellationToken stopping)
    {
        RawLogChunk? chunk = null;
        long now = _time.GetUtcNow().ToUnixTimeNanoseconds();
        while (chunk is null || chunk.Length < _settings.MaxBatchBytes - MinRead)
        {
            if (_buffer.Length == 0)
            {
                _buffer = ArrayPool<byte>.Shared.Rent(TailerSettings.ReadBufferSize);
            }

            if (_buffered == _buffer.Length && !TryGrowBuffer())
            {
                chunk ??= NewChunk();
                _decoder.DecodeOverlong(_buffer.AsSpan(0, _buffered), chunk, now);
                _buffered = 0;
                continue;
            }

            // Read no more than the batch has room for, so that a batch stays within its size.
            int room = Math.Max(MinRead, _settings.MaxBatchBytes - (chunk?.Length ?? 0));
            int read = RandomAccess.Read(_handle, _buffer.AsSpan(_buffered, Math.Min(room, _buffer.Length - _buffered)), _readOffset);
            if (read == 0)
            {
                break;
            }

            _readOffset += read;
            _buffered += read;
            chunk ??= NewChunk();
            int used = _decoder.Decode(_buffer.AsSpan(0, _buffered), chunk, now);
            if (used > 0)
            {
                // Keep the unterminated rest at the front for the next read.
                _buffer.AsSpan(used, _buffered - used).CopyTo(_buffer);
                _buffered -= used;
            }
        }

        if (_buffered == 0)
        {
            // Nothing held over: the buffer goes back for whichever file reads next.
            ReturnBuffer();
        }

        if (chunk is null)
        {
            _settings.Budget.Release(reserved);
            return CycleOutcome.Idle;
        }

        Identity.Refresh(_handle, _settings.FingerprintSize, _readOffset);
        await HandOnAsync(chunk, stopping, reserved).ConfigureAwait(false);
        return CycleOutcome.Sent;
    }

    /// <summary>A line longer than the buffer: grow it up to the longest line kept whole.</summary>
    private bool TryGrowBuffer()
    {
        if (_buffer.Length >= _settings.MaxLineBytes)
        {
            return false;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _settings.MaxLineBytes));
        _buffer.AsSpan(0, _buffered).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
        return true;
    }

    /// <summary>
    /// The file is shorter than what was read (copytruncate): once what is in flight is settled, the new content
    /// is a new file at offset 0.
    /// </summary>
    private async Task OnTruncatedAsync(CancellationToken stopping)
    {
        LogTruncated(_logger, Path, _readOffset);
        await SettleAllAsync(stopping).ConfigureAwait(false);
        _store.Remove(Identity);
        TruncatedIdentity = Identity;
        Identity = FileIdentity.Read(_handle, _settings.FingerprintSize);
        _window.ResetTo(Identity, TailPosition.Start);
        Restart(TailPosition.Start);
        _store.Set(Identity, Path, TailPosition.Start);
    }

    /// <summary>Waits for every batch in flight, committing what was acknowledged.</summary>
    private async Task SettleAllAsync(CancellationToken cancellationToken)
    {
        while (_window.Count > 0)
        {
            if (!_window.TakeCompleted(Commit))
            {
                // After an error what follows is sent again anyway.
                await _window.AbandonAllAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (_window.Oldest is { } oldest)
            {
                await oldest.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!oldest.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was truncated below offset {Offset}; reading it from the start")]
    private static partial void LogTruncated(ILogger logger, string path, long offset);
}
