using System.Collections.Concurrent;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Win32.SafeHandles;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

/// <summary>Does the real fsyncs and writes down each one, in order: <c>file &lt;name&gt;</c> or <c>dir &lt;name&gt;</c>.</summary>
internal sealed class RecordingDiskSync() : DiskSync(directories: true)
{
    private int _files;

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>File flushes so far.</summary>
    public int FileFlushes => Volatile.Read(ref _files);

    /// <summary>Runs inside each file flush, after it is written down (a test holds a flush open with it).</summary>
    public Action? DuringFileFlush { get; set; }

    public override void File(SafeFileHandle handle, string path)
    {
        base.File(handle, path);
        Interlocked.Increment(ref _files);
        Calls.Enqueue("file " + Path.GetFileName(path));
        DuringFileFlush?.Invoke();
    }

    protected override void SyncDirectory(string directory)
    {
        base.SyncDirectory(directory);
        Calls.Enqueue("dir " + Path.GetFileName(directory));
    }
}
