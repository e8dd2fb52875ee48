using System.Runtime.InteropServices;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>What statfs(2) says of a mounted file system, in the block size node_exporter and the Collector use (f_bsize).</summary>
internal readonly record struct FileSystemStats(ulong BlockSize, ulong Blocks, ulong FreeBlocks, ulong AvailableBlocks, ulong Files, ulong FreeFiles)
{
    /// <summary>Stats of the file system mounted at <paramref name="path"/>, or false with errno's message.</summary>
    public static bool TryRead(string path, out FileSystemStats stats, out string? error)
    {
        if (Native.Statfs(path, out var buffer) != 0)
        {
            stats = default;
            error = $"statfs {path}: {Marshal.GetLastPInvokeErrorMessage()}";
            return false;
        }

        stats = new FileSystemStats(buffer.BlockSize, buffer.Blocks, buffer.FreeBlocks, buffer.AvailableBlocks, buffer.Files, buffer.FreeFiles);
        error = null;
        return true;
    }

    /// <summary>struct statfs of 64-bit Linux (x86-64 and arm64 alike): eleven 8-byte words, then spare room.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 120)]
    private struct StatfsBuffer
    {
        [FieldOffset(8)]
        public ulong BlockSize;

        [FieldOffset(16)]
        public ulong Blocks;

        [FieldOffset(24)]
        public ulong FreeBlocks;

        [FieldOffset(32)]
        public ulong AvailableBlocks;

        [FieldOffset(40)]
        public ulong Files;

        [FieldOffset(48)]
        public ulong FreeFiles;
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
        public static extern int Statfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out StatfsBuffer buffer);
    }
}
