using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Opens a log file for reading without ever blocking: on Linux with <c>O_NONBLOCK</c>, so a FIFO that replaced the
/// file between the type check and the open cannot hold the receiver until a writer comes, and the opened handle's
/// type is checked again. A handle that is not a regular file is closed and <see cref="NotRegularFileException"/>
/// thrown; a file the agent may not read throws <see cref="UnauthorizedAccessException"/>.
/// </summary>
internal static class LogFileOpener
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int NoSuchFile = 2;
    private const int PermissionDenied = 1;
    private const int AccessDenied = 13;

    public static SafeFileHandle Open(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        int descriptor = NativeOpen(path, ReadOnly | NonBlocking | CloseOnExec);
        if (descriptor < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            string reason = Marshal.GetPInvokeErrorMessage(error);
            throw error switch
            {
                NoSuchFile => new FileNotFoundException($"{path}: {reason}", path),
                PermissionDenied or AccessDenied => new UnauthorizedAccessException($"{path}: {reason}"),
                _ => new IOException($"{path}: {reason}", error),
            };
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        if (FileStatus.Of(handle).Kind != FileKind.Regular)
        {
            handle.Dispose();
            throw new NotRegularFileException(path);
        }

        return handle;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int NativeOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}

/// <summary>The path names a FIFO, socket, device or directory, which the receiver never tails.</summary>
internal sealed class NotRegularFileException(string path) : IOException($"{path} is not a regular file")
{
}
