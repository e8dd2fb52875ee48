using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.PodLogs;

/// <summary>Starts watching one directory (and below it when <c>recursive</c>); the watch reports to <paramref name="sink"/>.</summary>
internal delegate IDisposable StartWatch(string directory, bool recursive, IFileChangeSink sink);

/// <summary>What a directory watch reports.</summary>
internal interface IFileChangeSink
{
    /// <summary>A name appeared, vanished or was renamed at <paramref name="path"/>.</summary>
    void Changed(string path);

    /// <summary>The file at <paramref name="path"/> was written to (or truncated).</summary>
    void Written(string path);

    /// <summary>Events were lost (the kernel's queue overflowed): anything may have changed.</summary>
    void Overflowed();

    /// <summary>The watch of <paramref name="directory"/> stopped working.</summary>
    void Failed(string directory, Exception exception);
}

/// <summary>
/// Wakes the receiver's discovery as soon as a file is created, renamed or deleted under the include globs' base
/// directories, and says where, so that only those directories are looked at; passes writes on to the receiver, which
/// wakes the file's tailer. Polling stays the fallback: a directory whose watch cannot start (missing, inotify limits
/// reached) or stops is logged and counted once and then only polled.
/// </summary>
internal sealed partial class FileChanges : IFileChangeSink, IDisposable
{
    private readonly object _gate = new();
    private readonly (string Directory, bool Recursive)[] _roots;
    private readonly StartWatch? _start;
    private readonly ILogger _logger;
    private readonly ReceiverTelemetry _telemetry;
    private readonly TimeSpan _pollInterval;
    private readonly Action<string?> _written;
    /// <summary>Per base directory, the directory watched for it (itself, or its nearest parent while it is missing).</summary>
    private readonly Dictionary<string, (string Directory, IDisposable Watch)> _watches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private HashSet<string> _changed = new(StringComparer.Ordinal);
    private bool _everywhere;
    private bool _pending;
    private TaskCompletionSource? _waiter;
    private bool _disposed;

    /// <param name="start">How a directory is watched; null: not at all (polling only).</param>
    /// <param name="written">Told of each write reported, with the file's path; with null when writes may have gone unreported.</param>
    public FileChanges(
        IEnumerable<(string Directory, bool Recursive)> roots,
        StartWatch? start,
        Action<string?> written,
        ILogger logger,
        ReceiverTelemetry telemetry,
        TimeSpan pollInterval)
    {
        _roots = roots.ToArray();
        _start = start;
        _written = written;
        _logger = logger;
        _telemetry = telemetry;
        _pollInterval = pollInterval;
    }

    /// <summary>
    /// Starts the watches not running yet. A base directory that does not exist yet (no pod has run on the node) is
    /// waited for by watching its nearest existing parent: the event of its creation brings a full look, which
    /// comes back here.
    /// </summary>
    /// <returns>True when a watch started: what changed before it was not reported.</returns>
    public bool EnsureWatching()
    {
        bool started = false;
        if (_start is null)
        {
            return started;
        }

        foreach (var (directory, recursive) in _roots)
        {
            string? target = Directory.Exists(directory) ? directory : ExistingParentOf(directory);
            (string Directory, IDisposable Watch) stale;
            lock (_gate)
            {
                if (_disposed || _failed.Contains(directory) || target is null ||
                    (_watches.TryGetValue(directory, out var current) && current.Directory == target))
                {
                    continue;
                }

                _watches.Remove(directory, out stale);
            }

            stale.Watch?.Dispose();
            try
            {
                var watch = _start(target, recursive && target == directory, this);
                lock (_gate)
                {
                    if (_disposed || _failed.Contains(directory))
                    {
                        watch.Dispose();
                        continue;
                    }

                    _watches[directory] = (target, watch);
                    started = true;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failed(directory, ex);
            }
        }

        return started;
    }

    /// <summary>True while every base directory has a working watch (none failed): writes under them are reported.</summary>
    public bool Watching
    {
        get
        {
            lock (_gate)
            {
                return _start is not null && !_disposed && _failed.Count == 0 && _watches.Count == _roots.Length;
            }
        }
    }

    /// <summary>Completes when a change was reported since the last <see cref="Take"/>.</summary>
    public Task NextAsync()
    {
        lock (_gate)
        {
            return _pending ? Task.CompletedTask : (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>The directories where something changed since the last call; <paramref name="everywhere"/> when any may have.</summary>
    public HashSet<string> Take(out bool everywhere)
    {
        lock (_gate)
        {
            var changed = _changed;
            _changed = new HashSet<string>(StringComparer.Ordinal);
            everywhere = _everywhere;
            _everywhere = false;
            _pending = false;
            return changed;
        }
    }

    public void Changed(string path)
    {
        // A new directory (a new pod) holds files no event will name: look everywhere once.
        bool directory = Directory.Exists(path);
        string? parent = Path.GetDirectoryName(path);
        Signal(changed => changed.Add(parent ?? path), everywhere: directory);
    }

    public void Written(string path) => _written(path);

    public void Overflowed()
    {
        // .NET's watcher on Linux stops the process's one inotify instance when its queue overflows: every watch is
        // dead from then on, and is started again by the look everywhere that follows.
        List<IDisposable> dead;
        lock (_gate)
        {
            dead = [.. _watches.Values.Select(entry => entry.Watch)];
            _watches.Clear();
        }

        foreach (var watch in dead)
        {
            watch.Dispose();
        }

        EventsLost();
    }

    public void Failed(string directory, Exception exception)
    {
        (string Directory, IDisposable Watch) watch;
        lock (_gate)
        {
            string root = _watches.FirstOrDefault(entry => entry.Value.Directory == directory).Key ?? directory;
            if (!_failed.Add(root))
            {
                return;
            }

            _watches.Remove(root, out watch);
        }

        watch.Watch?.Dispose();
        _telemetry.FileWatchFailed();
        LogWatchFailed(_logger, exception, directory, _pollInterval);
        EventsLost();
    }

    public void Dispose()
    {
        List<IDisposable> watches;
        lock (_gate)
        {
            _disposed = true;
            watches = [.. _watches.Values.Select(entry => entry.Watch)];
            _watches.Clear();
        }

        foreach (var watch in watches)
        {
            watch.Dispose();
        }
    }

    /// <summary>Anything may have changed unreported: look everywhere, and have every tailer check its file.</summary>
    private void EventsLost()
    {
        Signal(_ => { }, everywhere: true);
        _written(null);
    }

    private static string? ExistingParentOf(string directory)
    {
        for (string? parent = Path.GetDirectoryName(directory); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (parent != "/" && Directory.Exists(parent))
            {
                return parent;
            }
        }

        return null;
    }

    private void Signal(Action<HashSet<string>> record, bool everywhere)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            record(_changed);
            _everywhere |= everywhere;
            _pending = true;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching {Directory} for new and rotated files failed; finding them by polling every {Interval} instead")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string directory, TimeSpan interval);
}
