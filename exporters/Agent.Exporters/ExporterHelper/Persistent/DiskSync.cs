using Microsoft.Win32.SafeHandles;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// How the queue forces its files and directory entries to disk. One place for both, so a test can watch the order
/// (a file's data before the directory entry that names it) and count the flushes.
/// </summary>
internal class DiskSync
{
    /// <summary>Forces both, for the <c>always</c> and <c>interval</c> policies.</summary>
    public static readonly DiskSync Durable = new(directories: true);

    /// <summary>The <c>never</c> policy: no directory fsync (a file is still flushed when the queue closes).</summary>
    public static readonly DiskSync FilesOnly = new(directories: false);

    private readonly bool _directories;

    protected DiskSync(bool directories)
    {
        _directories = directories;
    }

    /// <summary>Forces a file's data to disk.</summary>
    public virtual void File(SafeFileHandle handle, string path) => RandomAccess.FlushToDisk(handle);

    /// <summary>Forces the entries of <paramref name="directory"/> (names created or removed in it) to disk.</summary>
    public void Directory(string directory)
    {
        if (_directories)
        {
            SyncDirectory(directory);
        }
    }

    protected virtual void SyncDirectory(string directory) => DirectoryFsync.Sync(directory);
}
