namespace Agent.Receivers.PodLogs;

/// <summary>
/// The default <see cref="StartWatch"/>: .NET's <see cref="FileSystemWatcher"/>, which is inotify on Linux. Names
/// (created, deleted, renamed) and writes are watched: a write wakes the tailer of an idle file, which otherwise
/// is not checked. A busy file raises an event per write the kernel did not merge; it costs a lookup and a wake
/// that is already set.
/// </summary>
internal static class InotifyWatch
{
    /// <summary>Room for a burst of events before the kernel's queue overflows (which only costs a full look).</summary>
    private const int EventBufferBytes = 64 * 1024;

    public static IDisposable Start(string directory, bool recursive, IFileChangeSink sink)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = EventBufferBytes,
        };
        watcher.Created += (_, e) => sink.Changed(e.FullPath);
        watcher.Deleted += (_, e) => sink.Changed(e.FullPath);
        watcher.Changed += (_, e) => sink.Written(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            sink.Changed(e.OldFullPath);
            sink.Changed(e.FullPath);
        };
        watcher.Error += (_, e) =>
        {
            if (e.GetException() is InternalBufferOverflowException)
            {
                sink.Overflowed();
            }
            else
            {
                sink.Failed(directory, e.GetException());
            }
        };
        try
        {
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch
        {
            watcher.Dispose();
            throw;
        }
    }
}
