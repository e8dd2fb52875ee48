using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>What came of reading one cgroup file.</summary>
internal enum FileReadStatus
{
    Read,

    /// <summary>The file is not there: its controller is not enabled for this cgroup. Not a failure.</summary>
    Absent,

    /// <summary>The file is there but could not be read, or was cut short (cgroup files end with a newline).</summary>
    Failed,

    /// <summary>The cgroup's directory is gone: the container exited while it was read.</summary>
    Vanished,
}

/// <summary>
/// Reads whole cgroup files into one pooled buffer, reused from file to file: the text handed out is valid until
/// the next read. One scrape at a time owns a reader (the controller never runs a scraper twice at once).
/// </summary>
internal sealed class CgroupFileReader : IDisposable
{
    // cgroup files are small (io.stat grows a line per device); past this a file is not a cgroup file.
    private const int MaxFileSize = 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

    /// <summary>The first failure of this reader, for the scrape's log line.</summary>
    public string? FirstError { get; private set; }

    /// <summary>Runs after each file was read; tests remove a cgroup here to play a container exiting mid-read.</summary>
    internal Action<string>? AfterRead { get; set; }

    public FileReadStatus Read(string directory, string path, out ReadOnlySpan<byte> text)
    {
        text = default;
        int length;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            length = ReadAll(handle);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Directory.Exists(directory) ? FileReadStatus.Absent : FileReadStatus.Vanished;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A removed cgroup's open files answer ENODEV: that is an exit, not a fault.
            return Directory.Exists(directory) ? Fail(path, ex.Message) : FileReadStatus.Vanished;
        }

        AfterRead?.Invoke(path);
        if (length < 0)
        {
            return Fail(path, $"larger than {MaxFileSize} bytes");
        }

        if (length > 0 && _buffer[length - 1] != (byte)'\n')
        {
            return Fail(path, "cut short (no final newline)");
        }

        text = _buffer.AsSpan(0, length);
        return FileReadStatus.Read;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Reads to the end (the size of a cgroup file says nothing), growing the buffer; -1 when too large.</summary>
    private int ReadAll(SafeFileHandle handle)
    {
        int length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (length >= MaxFileSize)
                {
                    return -1;
                }

                var larger = ArrayPool<byte>.Shared.Rent(length * 2);
                _buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            int read = RandomAccess.Read(handle, _buffer.AsSpan(length), length);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }

    /// <summary>Notes a file that was read but did not hold what its name promises.</summary>
    public void Malformed(CgroupFile file, string path) => FirstError ??= $"{path}: not the expected {file} content";

    private FileReadStatus Fail(string path, string reason)
    {
        FirstError ??= $"{path}: {reason}";
        return FileReadStatus.Failed;
    }
}
