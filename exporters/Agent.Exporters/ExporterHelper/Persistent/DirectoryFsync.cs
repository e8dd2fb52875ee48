using System.Runtime.InteropServices;

namespace Agent.Exporters.ExporterHelper.Persistent;

/// <summary>
/// Forces a directory's entries (files created, renamed or deleted in it) to disk. POSIX persists a new or removed
/// name only when the directory itself is fsynced; fsyncing the file does not. .NET cannot open a directory as a
/// file handle, so this goes to libc: <c>open(O_RDONLY|O_DIRECTORY|O_CLOEXEC)</c>, <c>fsync</c>, <c>close</c>.
/// Linux only: elsewhere (no such guarantee to buy, or no such call) it does nothing.
/// </summary>
internal static partial class DirectoryFsync
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    // O_DIRECTORY is not the same number on every Linux architecture.
    private static readonly int DirectoryOnly = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    public static void Sync(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(directory, ReadOnly | DirectoryOnly | CloseOnExec);
        if (fd < 0)
        {
            throw Failure("opening", directory);
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw Failure("forcing to disk", directory);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Failure(string step, string directory)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"Sending queue: {step} the directory {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
