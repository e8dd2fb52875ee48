using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>
/// Reads whole /proc and /sys files into one buffer kept from scrape to scrape, grown to the largest file seen, so a
/// scrape reads each file with one open and a few reads and allocates nothing once warm. /proc files report a size
/// of 0, hence the read-until-end loop. The span returned is valid until the next read; a reader serves one
/// scraper, which is never called twice at once. The buffer is the scraper's own rather than rented: a scrape
/// abandoned past its timeout may still be writing into it when the receiver stops.
/// </summary>
internal sealed class ProcFileReader
{
    private const int InitialSize = 16 * 1024;

    // A /proc file larger than this is not one the scrapers read: stop rather than grow without end.
    private const int MaxSize = 16 * 1024 * 1024;

    private byte[] _buffer = new byte[InitialSize];

    /// <summary>The file's bytes, or false with the reason when it cannot be read (missing, permission, I/O).</summary>
    public bool TryRead(string path, out ReadOnlySpan<byte> content, out string? error)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (_buffer.Length >= MaxSize)
                    {
                        content = default;
                        error = $"{path}: larger than {MaxSize} bytes";
                        return false;
                    }

                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                int read = RandomAccess.Read(handle, _buffer.AsSpan(length), length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            content = _buffer.AsSpan(0, length);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            content = default;
            error = $"{path}: {ex.Message}";
            return false;
        }
    }
}
