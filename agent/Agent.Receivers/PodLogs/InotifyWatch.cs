namespace Agent.Receivers.PodLogs;

/// <summary>
/// The default <see cref="StartWatch"/>: .NET's <see cref="FileSystemWatcher"/>, which is inotify on Linux. Only
/// names are watched (created, deleted, renamed), not writes: a busy file would raise an event per write, and the
/// tailers find appended data themselves.
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
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName,
            InternalBufferSize = EventBufferBytes,
        };
        watcher.Created += (_, e) => sink.Changed(e.FullPath);
        watcher.Deleted += (_, e) => sink.Changed(e.FullPath);
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
