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

    /// <summary>Per segment file name, the longest length a finished flush covered.</summary>
    public ConcurrentDictionary<string, long> Covered { get; } = new();

    public override void File(SafeFileHandle handle, string path)
    {
        // What was written before the flush started is what it covers.
        long length = RandomAccess.GetLength(handle);
        base.File(handle, path);
        Covered.AddOrUpdate(Path.GetFileName(path), length, (_, before) => Math.Max(before, length));
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
