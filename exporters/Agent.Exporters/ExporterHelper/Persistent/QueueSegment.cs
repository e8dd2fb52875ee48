using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// One append-only file of records, named by its number (<c>00000000000000000042.seg</c>) so a directory listing
/// gives the order. Only the newest segment of a shard is written to; a segment is deleted whole once every record
/// in it is acknowledged.
/// </summary>
internal sealed class QueueSegment : IDisposable
{
    private const string Extension = ".seg";
    private readonly string _directory;
    private readonly DiskSync _sync;
    private SafeFileHandle? _handle;
    private bool _writable;

    public QueueSegment(string directory, long id, long length, DiskSync sync)
    {
        _directory = directory;
        _sync = sync;
        Id = id;
        Path = PathOf(directory, id);
        Length = length;
    }

    public long Id { get; }

    public string Path { get; }

    /// <summary>Bytes of whole records in the file.</summary>
    public long Length { get; private set; }

    /// <summary>Written since the last flush to disk.</summary>
    public bool Dirty { get; private set; }

    public static string PathOf(string directory, long id) =>
        System.IO.Path.Combine(directory, id.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    public static bool TryParseId(string path, out long id)
    {
        id = 0;
        return path.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>Creates the file empty, to be appended to, and makes its name durable before anything is written to it.</summary>
    public void Create()
    {
        _handle = File.OpenHandle(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        _writable = true;
        _sync.Directory(_directory);
    }

    public void Append(ReadOnlySpan<byte> frame)
    {
        RandomAccess.Write(Handle(), frame, Length);
        Length += frame.Length;
        Dirty = true;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length at <paramref name="offset"/>; false when the file is shorter.</summary>
    public bool TryRead(long offset, Span<byte> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(Handle(), buffer[read..], offset + read);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>Forces what was written to disk.</summary>
    public void Flush()
    {
        if (Dirty && _handle is { } handle)
        {
            _sync.File(handle, Path);
            Dirty = false;
        }
    }

    /// <summary>
    /// Takes the unflushed writes out for a flush done outside the queue's lock: the handle is kept open (even if
    /// the segment is sealed or deleted meanwhile) until <see cref="EndFlush"/>. Null when nothing is unflushed.
    /// </summary>
    public SafeFileHandle? BeginFlush()
    {
        if (!Dirty || _handle is not { } handle)
        {
            return null;
        }

        bool added = false;
        handle.DangerousAddRef(ref added);
        Dirty = false;
        return handle;
    }

    /// <summary>Ends <see cref="BeginFlush"/>; a flush that failed leaves the segment unflushed.</summary>
    public void EndFlush(SafeFileHandle handle, bool flushed)
    {
        handle.DangerousRelease();
        Dirty |= !flushed;
    }

    /// <summary>Cuts the file after its last whole record (a torn or corrupt tail).</summary>
    public void Truncate(long length)
    {
        Close();
        using (var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, length);
            _sync.File(handle, Path);
        }

        Length = length;
    }

    /// <summary>Seals the segment: no more appends; the handle closes and reopens for reading when needed.</summary>
    public void Seal(bool flush)
    {
        if (flush)
        {
            Flush();
        }

        Close();
    }

    public void Delete()
    {
        Close();
        File.Delete(Path);
        _sync.Directory(_directory);
    }

    public void Dispose() => Close();

    private SafeFileHandle Handle() =>
        _handle ??= File.OpenHandle(Path, FileMode.Open, _writable ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private void Close()
    {
        _handle?.Dispose();
        _handle = null;
        _writable = false;
    }
}
