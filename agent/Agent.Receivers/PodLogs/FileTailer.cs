using System.Buffers;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Follows one file: reads what was appended, decodes it into chunks, hands them on as batches (a few in flight at
/// most) and commits its checkpoint as they are acknowledged. It notices truncation (copytruncate: start again
/// at 0) and, once told the path names another file or none, reads this one to its end and releases it.
/// </summary>
internal sealed partial class FileTailer
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks that found nothing new before a file rests: a file just opened or just written is polled a while
    /// longer, which covers a write the watch could not report yet (a new directory's watch starts a moment after
    /// the directory appears).
    /// </summary>
    private const int IdleChecksBeforeResting = 5;

    private readonly SafeFileHandle _handle;
    private readonly Resource _resource;
    private readonly TailerSettings _settings;
    private readonly IConsumer<LogsBatch> _consumer;
    private readonly CheckpointStore _store;
    private readonly Task _predecessor;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LineDecoder _decoder;
    private readonly InFlightWindow _window;
    private readonly TaskCompletionSource _readingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = [];
    private int _buffered;
    private long _readOffset;
    private long _goneAtTicks = -1;
    private volatile bool _replaced;
    private TaskCompletionSource _wake = NewWake();
    private Task _run = Task.CompletedTask;
    private int _idleChecks;
    private volatile bool _resting;
    private readonly bool _writesReported;

    public FileTailer(
        string path,
        SafeFileHandle handle,
        FileIdentity identity,
        TailPosition start,
        Resource resource,
        TailerSettings settings,
        IConsumer<LogsBatch> consumer,
        CheckpointStore store,
        Task predecessor,
        ILogger logger,
        TimeProvider time,
        bool writesReported)
    {
        Path = path;
        _writesReported = writesReported;
        _handle = handle;
        Identity = identity;
        _resource = resource;
        _settings = settings;
        _consumer = consumer;
        _store = store;
        _predecessor = predecessor;
        _logger = logger;
        _time = time;
        _decoder = new LineDecoder(settings.Format, settings.MaxLogSize, settings.Extractor, settings.Telemetry);
        _window = new InFlightWindow(identity, start);
        Restart(start);
        _store.Set(identity, path, start);
    }

    public string Path { get; }

    public FileIdentity Identity { get; private set; }

    /// <summary>The identity the file had before it was last truncated (copytruncate), whose copy may lie beside it.</summary>
    public FileIdentity? TruncatedIdentity { get; private set; }

    /// <summary>Completes when this file was read to its end after it went away, so the file that replaced it may start.</summary>
    public Task ReadingDone => _readingDone.Task;

    /// <summary>Completes when the tailer has stopped and released the file.</summary>
    public Task Completion => _run;

    /// <summary>True once the file was read to its end after it went away and all of it was settled.</summary>
    public bool Finished { get; private set; }

    /// <summary>The file as the last read cycle saw it; when finished, its size is where reading ended.</summary>
    public FileStatus LastStatus { get; private set; }

    public void Start(CancellationToken stopping, CancellationToken abandon) =>
        _run = Task.Run(() => RunAsync(stopping, abandon), CancellationToken.None);

    /// <summary>
    /// The path no longer names this file. With <paramref name="replaced"/> a new file took its place (the writer
    /// moved on: release at the end); without, wait up to the grace period for late writes.
    /// </summary>
    public void MarkGone(bool replaced)
    {
        Interlocked.CompareExchange(ref _goneAtTicks, _time.GetTimestamp(), -1);
        _replaced |= replaced;
        Wake();
    }

    /// <summary>Cuts the current idle wait short: something about the file changed.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private async Task RunAsync(CancellationToken stopping, CancellationToken abandon)
    {
        try
        {
            // A renamed file is read to its end before the file that took its path.
            await _predecessor.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await FollowAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(_logger, ex, Path);
        }
        finally
        {
            _readingDone.TrySetResult();

            // Stopping: what is acknowledged before the drain deadline still moves the checkpoint.
            await SettleAllAsync(abandon).ConfigureAwait(false);
            ReturnBuffer();
            _decoder.Dispose();
            _handle.Dispose();
        }
    }

    private async Task FollowAsync(CancellationToken stopping)
    {
        var backoff = _settings.RetryBackoff;
        bool finished = false;
        while (!stopping.IsCancellationRequested)
        {
            if (!_window.TakeCompleted(Commit))
            {
                await RecoverFromErrorAsync(backoff, stopping).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                finished = false;
                continue;
            }

            if (finished)
            {
                if (_window.Count == 0)
                {
                    _store.Remove(Identity);
                    Finished = true;
                    return;
                }

                await WaitForOldestAsync(stopping).ConfigureAwait(false);
                continue;
            }

            if (_window.Count >= _settings.MaxBatchesInFlight)
            {
                await WaitForOldestAsync(stopping).ConfigureAwait(false);
                continue;
            }

            var outcome = await ReadCycleAsync(stopping).ConfigureAwait(false);
            if (outcome != CycleOutcome.Idle)
            {
                backoff = _settings.RetryBackoff;
                _idleChecks = 0;
            }
            else if (ShouldRelease())
            {
                await FinishAsync(stopping).ConfigureAwait(false);
                finished = true;
            }
            else
            {
                _idleChecks = Math.Min(_idleChecks + 1, IdleChecksBeforeResting);
                await IdleAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// True while the file has been idle a while and the watch reports its writes: it is then checked only when woken
    /// (a write the watch reports, a look at its path that sees it grown or truncated), not every poll.
    /// </summary>
    public bool Resting => _resting;

    /// <summary>
    /// Rests once idle long enough, while the watch reports this file's writes, nothing is in flight (an
    /// acknowledgement must still move the checkpoint) and the file is still at its path.
    /// </summary>
    private bool MayRest =>
        _idleChecks >= IdleChecksBeforeResting && _writesReported && _settings.Writes.Reported && _window.Count == 0 &&
        Interlocked.Read(ref _goneAtTicks) < 0;

    /// <summary>Waits a poll interval, or less when woken; when resting, until woken (no timer per idle file).</summary>
    private async Task IdleAsync(CancellationToken stopping)
    {
        var wake = Volatile.Read(ref _wake);
        if (!wake.Task.IsCompleted && MayRest)
        {
            _resting = true;
            await wake.Task.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _resting = false;
        }
        else if (!wake.Task.IsCompleted)
        {
            // The delay is left to run out when woken: cheaper than a cancellation source per wait.
            await Task.WhenAny(wake.Task, Task.Delay(_settings.PollInterval, _time, stopping)).ConfigureAwait(false);
        }

        if (wake.Task.IsCompleted)
        {
            // A wake after this swap completes the new source; one before it is what ended this wait.
            Volatile.Write(ref _wake, NewWake());
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool ShouldRelease()
    {
        long goneAt = Interlocked.Read(ref _goneAtTicks);
        return goneAt >= 0 && (_replaced || _time.GetElapsedTime(goneAt) >= _settings.DeleteGrace);
    }

    /// <summary>The file ends here: the unterminated rest and unfinished split lines become records.</summary>
    private async Task FinishAsync(CancellationToken stopping)
    {
        var chunk = NewChunk();
        _decoder.Flush(_buffer.AsSpan(0, _buffered), chunk, _time.GetUtcNow().ToUnixTimeNanoseconds());
        _buffered = 0;
        await HandOnAsync(chunk, stopping).ConfigureAwait(false);
        _readingDone.TrySetResult();
    }

    private async Task WaitForOldestAsync(CancellationToken stopping)
    {
        if (_window.Oldest is { } oldest)
        {
            await oldest.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A batch errored: wait for the rest in flight, back off, then read again from the last acknowledged position.</summary>
    private async Task RecoverFromErrorAsync(TimeSpan backoff, CancellationToken stopping)
    {
        await _window.AbandonAllAsync(stopping).ConfigureAwait(false);
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        LogResending(_logger, Path, _window.Committed.Offset, backoff);
        await Task.Delay(backoff, _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!ReferenceEquals(_window.CommittedIdentity, Identity))
        {
            // The file was truncated since: what was acknowledged belongs to content that is gone.
            _window.ResetTo(Identity, TailPosition.Start);
        }

        Restart(_window.Committed);
    }

    private void Restart(TailPosition position)
    {
        _decoder.Reset(position);
        _readOffset = position.ReadFrom;
        _buffered = 0;
        Acknowledged(position.Offset);
    }

    private void Commit(FileIdentity identity, TailPosition position)
    {
        // Positions of content a truncation removed are not worth keeping.
        if (ReferenceEquals(identity, Identity))
        {
            _store.Set(identity, Path, position);
            Acknowledged(position.Offset);
        }
    }

    /// <param name="reserved">Bytes of the read budget this batch holds until it is acknowledged; 0 for none.</param>
    private async Task HandOnAsync(RawLogChunk chunk, CancellationToken stopping, long reserved = 0)
    {
        var end = _decoder.Position;
        if (chunk.Count == 0)
        {
            chunk.Dispose();
            _settings.Budget.Release(reserved);
            if (end != _window.Committed || _window.Count > 0)
            {
                // Skipped lines still move the checkpoint, in order after what is in flight.
                _window.Add(Task.FromResult(DeliveryStatus.Delivered), end, Identity);
            }

            return;
        }

        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        // Waits while the pipeline is full: then this file simply is not read further. A batch the pipeline did not
        // take resolves as errored, and the window reads it again from the checkpoint.
        // The chunk's one hold goes with the batch: the exporter that encodes it gives the buffers back.
        var result = await _settings.Receiving.ReceiveAsync(_consumer, batch, "file", ClientContext.Empty, stopping).ConfigureAwait(false);
        _window.Add(result.Delivery, end, Identity);
        if (reserved > 0)
        {
            _ = _settings.Budget.ReleaseWhenDoneAsync(result.Delivery, reserved);
        }
    }

    // A copy per chunk (a few attributes, once per batch): processors mutate resources in place.
    private RawLogChunk NewChunk() =>
        new(_resource.Clone(), _settings.MaxBatchBytes, Math.Max(64, _settings.MaxBatchBytes / 128))
        {
            ObservedTimeUnixNano = _time.GetUtcNow().ToUnixTimeNanoseconds(),
        };

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tailing {Path} failed; the file is released")]
    private static partial void LogFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Path} failed; reading again from offset {Offset} in {Backoff}")]
    private static partial void LogResending(ILogger logger, string path, long offset, TimeSpan backoff);
}
