using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// The <c>filelog</c> receiver: finds the files the include globs match (the kubelet's
/// <c>/var/log/pods/&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restart&gt;.log</c>), runs one
/// <see cref="FileTailer"/> per file and saves the checkpoints. Each look it finds new files and paths that now name
/// another file (rotation) or none (deletion). With a working watch it looks where the watch reports changes, and
/// everywhere only every rescan interval; without one, everywhere every poll.
/// </summary>
internal sealed partial class PodLogsReceiver : IComponent
{
    private readonly ComponentContext _context;
    private readonly PodLogsReceiverOptions _options;
    private readonly IConsumer<LogsBatch> _consumer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TailerSettings _settings;
    private readonly FileDiscovery _discovery;
    private readonly FileChanges _changes;
    private readonly Dictionary<string, FileTailer> _active = new(StringComparer.Ordinal);
    private readonly List<FileTailer> _retiring = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ReceiverHelper _receiving;
    private CheckpointStore? _store;
    private string _storageDirectory = string.Empty;
    private readonly Func<string, SafeFileHandle> _open;
    private Task _loop = Task.CompletedTask;
    private bool _firstPoll = true;
    private readonly WriteReports _writes = new();
    private readonly bool _everyRootWatchable;
    private long _lastLookEverywhere;
    private bool _reopenPending;

    /// <param name="open">Opens a file for reading; tests replace it to make a file fail to open (root reads anything).</param>
    /// <param name="watch">Watches a directory for changes; tests replace it to make watching fail (default: inotify).</param>
    public PodLogsReceiver(
        ComponentContext context,
        IConsumer<LogsBatch> consumer,
        TimeProvider? time = null,
        Func<string, SafeFileHandle>? open = null,
        StartWatch? watch = null)
    {
        _open = open ?? LogFileOpener.Open;
        _context = context;
        _options = (PodLogsReceiverOptions)context.Options;
        _consumer = consumer;
        _time = time ?? TimeProvider.System;
        _logger = context.Host.LoggerFactory.CreateLogger("Agent.Receivers.PodLogs." + context.Id);
        _receiving = new ReceiverHelper(context, _logger);
        _settings = TailerSettings.From(_receiving, _options, _writes);
        _discovery = new FileDiscovery(_options.Include, _options.Exclude);
        _finished = new FinishedFiles(_time, ForgetFinishedAfter(_options.PollInterval));
        _everyRootWatchable = _discovery.Roots.All(root => root.Directory != "/");
        _changes = new FileChanges(
            _discovery.Roots.Where(root => root.Directory != "/"),
            _options.Watch ? watch ?? InotifyWatch.Start : null,
            OnWritten,
            _logger,
            _receiving.Telemetry,
            _options.PollInterval);
    }

    /// <summary>The receiver-wide bound on unacknowledged batches every file's reading shares.</summary>
    internal ReadBudget Budget => _settings.Budget;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _storageDirectory = ResolveStorageDirectory();
        _store = CheckpointStore.Load(_storageDirectory, ex => LogCorruptCheckpoints(_logger, ex, _storageDirectory));
        PollOnce();
        _loop = Task.Run(PollLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _changes.Dispose();
        List<Task> running;
        lock (_active)
        {
            running = [.. _active.Values.Concat(_retiring).Select(t => t.Completion)];
        }

        using (_receiving.AbandonWhen(cancellationToken))
        {
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        SaveCheckpoints();
    }

    /// <summary>
    /// Looks at the directories a watch reported a change in, at once: a file rotated every 50 ms is seen before it
    /// is rotated again. Looks everywhere every poll interval without a working watch, every rescan interval with
    /// one; the polls in between only tend the files being written (see <see cref="Tend"/>).
    /// </summary>
    private async Task PollLoopAsync()
    {
        var tick = Task.Delay(_options.PollInterval, _time, _stopping.Token);
        while (!_stopping.IsCancellationRequested)
        {
            await Task.WhenAny(tick, _changes.NextAsync()).ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            bool polled = tick.IsCompleted;
            if (polled)
            {
                tick = Task.Delay(_options.PollInterval, _time, _stopping.Token);
            }

            var changed = _changes.Take(out bool overflowed);
            try
            {
                if (overflowed || (polled && LookEverywhereDue()))
                {
                    PollOnce();
                    continue;
                }

                if (changed.Count > 0)
                {
                    Reconcile(_discovery.FindIn(changed), changed.Contains);
                }

                if (polled)
                {
                    Tend();
                }
            }
            catch (Exception ex)
            {
                LogPollFailed(_logger, ex);
            }
        }
    }

    private bool LookEverywhereDue() =>
        !_writes.Reported || _reopenPending || _time.GetElapsedTime(Interlocked.Read(ref _lastLookEverywhere)) >= _options.RescanInterval;

    /// <summary>One discovery pass everywhere; checkpoints are saved after it.</summary>
    private void PollOnce()
    {
        bool started = _changes.EnsureWatching();
        _writes.Reported = _everyRootWatchable && _changes.Watching;
        if (started)
        {
            // Writes before the watch started went unreported: every tailer checks its file once.
            OnWritten(null);
        }

        Interlocked.Exchange(ref _lastLookEverywhere, _time.GetTimestamp());
        _reopenPending = false;
        Reconcile(_discovery.Find(), inScope: null);
        if (_firstPoll)
        {
            _firstPoll = false;
            _store!.DropUnclaimed();
        }

        SaveCheckpoints();
    }

    /// <summary>
    /// New files get a tailer, vanished or replaced ones are told, rotated files not read to their end are finished.
    /// <paramref name="inScope"/> says which directories were looked at (null: all of them).
    /// </summary>
    private void Reconcile(DiscoveredFiles found, Func<string, bool>? inScope)
    {
        lock (_active)
        {
            // A look at some directories only: the file to open again may be elsewhere, so the next poll looks everywhere.
            _reopenPending |= ForgetStopped() && inScope is not null;
            if (_firstPoll)
            {
                FinishRotatedWhileStopped();
            }

            if (inScope is null)
            {
                ForgetSkippedGone(found.Live);
            }

            foreach (var (path, tailer) in _active.Where(entry => !found.Live.Contains(entry.Key) && InScope(entry.Key)).ToList())
            {
                // Renamed or deleted, and nothing at the path yet: late writes may still come within the grace period.
                Retire(path, tailer);
            }

            foreach (string path in found.Live)
            {
                ConsiderPath(path);
            }

            FinishRotated(found.Rotated, inScope);
            ReportLag();
        }

        bool InScope(string path) => inScope is null || inScope(Path.GetDirectoryName(path) ?? path);
    }

    private void ConsiderPath(string path)
    {
        var status = FileStatus.Of(path);
        if (status is null)
        {
            return;
        }

        if (status.Value.Kind != FileKind.Regular)
        {
            // Checked before any open: opening a FIFO blocks until a writer comes, reading a device never ends.
            Skip(path, SkipReason.NotRegularFile, exception: null);
            return;
        }

        if (_active.TryGetValue(path, out var current))
        {
            if (!FileStatus.Supported || current.Identity.IsAt(status.Value))
            {
                // A write the watch did not report (or not yet) wakes a resting tailer here.
                current.ObservePathSize(status.Value.Size);
                return;
            }

            // Rotated: the path names a new file.
            Retire(path, current);
        }
        else if (FileStatus.Supported && _active.Values.Concat(_retiring).Any(t => t.Identity.IsAt(status.Value)))
        {
            // The same file under a second name (a symlink both globs match) is read once; so is a file back at its
            // path (renamed away and back) while the tailer that took it for gone still reads it: once that one is
            // done, the next look opens it where that one stopped.
            return;
        }

        // The file that had this path before is read to its end first, so lines stay in order across a rotation.
        // Its writer has moved on to the new file, so it needs no grace period.
        var predecessor = _retiring.LastOrDefault(t => t.Path == path && !t.ReadingDone.IsCompleted);
        predecessor?.MarkGone(replaced: true);
        var tailer = Open(path, predecessor);
        if (tailer is not null)
        {
            tailer.ObserveSize(status.Value.Size);
            _active[path] = tailer;
            tailer.Start(_stopping.Token, _receiving.Abandoned);
        }
    }

    private FileTailer? Open(string path, FileTailer? predecessor)
    {
        var handle = OpenHandle(path);
        if (handle is null)
        {
            return null;
        }

        var identity = FileIdentity.Read(handle, _options.FingerprintSize);
        var start = KnownPosition(identity) ?? StartOfNewFile(handle);
        LogFollowing(_logger, path, start.Offset);
        return CreateTailer(path, handle, identity, start, predecessor);
    }

    private SafeFileHandle? OpenHandle(string path)
    {
        try
        {
            var handle = _open(path);
            Readable(path);
            return handle;
        }
        catch (NotRegularFileException ex)
        {
            Skip(path, SkipReason.NotRegularFile, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            Skip(path, SkipReason.Unreadable, ex);
        }
        catch (FileNotFoundException ex)
        {
            // Gone since it was listed: the next poll sees.
            LogOpenFailed(_logger, ex, path);
        }
        catch (IOException ex)
        {
            Skip(path, SkipReason.Unreadable, ex);
        }

        return null;
    }

    /// <summary>Where a file read before goes on: the end of a finished one (read to its end, then found again), or its checkpoint.</summary>
    private TailPosition? KnownPosition(FileIdentity identity) =>
        _finished.ResumeOffset(identity) is { } end ? new TailPosition(end) : _store!.Claim(identity);

    private FileTailer CreateTailer(string path, SafeFileHandle handle, FileIdentity identity, TailPosition start, FileTailer? predecessor) =>
        new(
            path,
            handle,
            identity,
            start,
            PodLogPath.ResourceFor(path, _options.IncludeFilePath, _options.IncludeFileName),
            _settings,
            _consumer,
            _store!,
            predecessor?.ReadingDone ?? Task.CompletedTask,
            _logger,
            _time,
            writesReported: !IsSymbolicLink(path));

    private void Retire(string path, FileTailer tailer)
    {
        tailer.MarkGone(replaced: false);
        _active.Remove(path);
        _retiring.Add(tailer);
    }

    /// <summary>
    /// Drops tailers that stopped; one that stopped without finishing its file hands its position back, one that read
    /// its file to the end is remembered, so that its rotated name is not read again. True when a live file's tailer
    /// stopped, or a finished file is back at its path: the next look opens it again.
    /// </summary>
    private bool ForgetStopped()
    {
        bool released = false;
        foreach (var (path, tailer) in _active.Where(entry => entry.Value.Completion.IsCompleted).ToList())
        {
            _active.Remove(path);
            _store!.Release(tailer.Identity);
            released = true;
        }

        foreach (var tailer in _retiring.Where(tailer => tailer.Completion.IsCompleted))
        {
            if (tailer.Finished)
            {
                _finished.Add(tailer.Identity, tailer.LastStatus, Path.GetDirectoryName(tailer.Path) ?? tailer.Path);
                released |= IsAtItsPath(tailer);
            }
            else
            {
                _store!.Release(tailer.Identity);
            }
        }

        _retiring.RemoveAll(tailer => tailer.Completion.IsCompleted);
        return released;
    }

    /// <summary>True when a finished tailer's file is (again) at the path it was read under: it is to be opened again.</summary>
    private static bool IsAtItsPath(FileTailer tailer) =>
        FileStatus.Supported && FileStatus.Of(tailer.Path) is { } status && tailer.Identity.IsAt(status);

    private void SaveCheckpoints()
    {
        try
        {
            _store?.Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(_logger, ex, _storageDirectory);
        }
    }

    private string ResolveStorageDirectory()
    {
        var id = _context.Id;
        if (_options.Storage.Length == 0)
        {
            string folder = $"receiver_{id.Type}" + (id.Name.Length > 0 ? "_" + id.Name : string.Empty);
            foreach (char invalid in Path.GetInvalidFileNameChars().Append('/'))
            {
                folder = folder.Replace(invalid, '_');
            }

            return Path.Combine(_context.Host.DefaultDataDirectory, folder);
        }

        if (!ComponentId.TryParse(_options.Storage, out var storageId, out string? error))
        {
            throw new InvalidOperationException($"receiver {id}: storage: {error}");
        }

        var storage = _context.Host.GetExtension<IStorageExtension>(storageId.Value)
            ?? throw new InvalidOperationException(
                $"receiver {id}: storage \"{_options.Storage}\" names no configured storage extension (add it under extensions and service.extensions)");
        return storage.GetDirectory(ComponentKind.Receiver, id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following {Path} from offset {Offset}")]
    private static partial void LogFollowing(ILogger logger, string path, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not open {Path}")]
    private static partial void LogOpenFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for log files failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Saving checkpoints in {Directory} failed")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The checkpoints in {Directory} could not be read; files are read as new")]
    private static partial void LogCorruptCheckpoints(ILogger logger, Exception exception, string directory);
}
