using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// What identifies a file across renames and restarts: its device and inode, plus a fingerprint (its first bytes,
/// up to <c>fingerprint_size</c>), because a deleted file's inode is soon given to a new file. A fingerprint shorter
/// than the limit grows with the file; a stored one matches when it is a prefix of the file's current first bytes.
/// </summary>
internal sealed class FileIdentity
{
    public FileIdentity(ulong device, ulong inode, byte[] fingerprint)
    {
        Device = device;
        Inode = inode;
        Fingerprint = fingerprint;
    }

    public ulong Device { get; }

    public ulong Inode { get; }

    public byte[] Fingerprint { get; private set; }

    /// <summary>True when <paramref name="status"/> (a stat of some path) is of this file: the same device and inode.</summary>
    public bool IsAt(in FileStatus status) => Device == status.Device && Inode == status.Inode;

    /// <summary>
    /// True when <paramref name="other"/>, read later, is this file, possibly grown since: the same device and inode,
    /// and its first bytes start with this one's. Never the other way round: a file only grows, and a new file given
    /// a deleted one's inode is empty (or holds a few bytes) when it is opened, which a prefix test would take for the
    /// old file and resume at the old file's end.
    /// </summary>
    public bool SameFileAs(FileIdentity other) =>
        Device == other.Device && Inode == other.Inode && other.Fingerprint.AsSpan().StartsWith(Fingerprint);

    /// <summary>
    /// True when <paramref name="other"/> starts with the same bytes, whatever its inode: a copy (copytruncate's rotated
    /// file). Too short a fingerprint proves nothing, so both must hold at least <paramref name="minimum"/> bytes.
    /// </summary>
    public bool SameContentAs(FileIdentity other, int minimum) =>
        Math.Min(Fingerprint.Length, other.Fingerprint.Length) >= minimum &&
        (other.Fingerprint.AsSpan().StartsWith(Fingerprint) || Fingerprint.AsSpan().StartsWith(other.Fingerprint));

    /// <summary>Reads the identity of an open file: its device and inode and its first <paramref name="fingerprintSize"/> bytes.</summary>
    public static FileIdentity Read(SafeFileHandle handle, int fingerprintSize)
    {
        var status = FileStatus.Of(handle);
        return new FileIdentity(status.Device, status.Inode, ReadFingerprint(handle, fingerprintSize));
    }

    /// <summary>Reads the first bytes again when the fingerprint is still shorter than the limit (the file was small).</summary>
    public void Refresh(SafeFileHandle handle, int fingerprintSize, long fileLength)
    {
        if (Fingerprint.Length < fingerprintSize && fileLength > Fingerprint.Length)
        {
            Fingerprint = ReadFingerprint(handle, fingerprintSize);
        }
    }

    private static byte[] ReadFingerprint(SafeFileHandle handle, int size)
    {
        var buffer = new byte[size];
        int total = 0;
        while (total < size)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total == size ? buffer : buffer[..total];
    }
}

/// <summary>
/// Device, inode, size, link count, type and modification time (nanoseconds since the epoch) of a file, from Linux's
/// <c>statx</c> (whose layout is the same on every architecture).
/// </summary>
internal readonly record struct FileStatus(ulong Device, ulong Inode, long Size, uint Links, FileKind Kind = FileKind.Regular, long Modified = 0)
{
    private const int AtEmptyPath = 0x1000;
    private const uint BasicStats = 0x7FF;

    /// <summary>Whether the platform tells inodes; elsewhere identity rests on the fingerprint alone.</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux();

    public static FileStatus Of(SafeFileHandle handle)
    {
        if (Supported)
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (Native.Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, BasicStats, out var buffer) == 0)
                {
                    return buffer.ToStatus();
                }
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // An old C library without statx: fall back to the length only.
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        return new FileStatus(0, 0, RandomAccess.GetLength(handle), 1);
    }

    /// <summary>The status of the file at <paramref name="path"/> (following symlinks); null when it does not exist.</summary>
    public static FileStatus? Of(string path)
    {
        if (Supported)
        {
            try
            {
                return Native.Statx(-100, path, 0, BasicStats, out var buffer) == 0 ? buffer.ToStatus() : null;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
            }
        }

        var info = new FileInfo(path);
        if (info.Exists)
        {
            return new FileStatus(0, 0, info.Length, 1);
        }

        return Directory.Exists(path) ? new FileStatus(0, 0, 0, 1, FileKind.Directory) : null;
    }

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(16)]
        public uint Links;

        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long ModifiedSeconds;

        [FieldOffset(120)]
        public uint ModifiedNanoseconds;

        [FieldOffset(136)]
        public uint DeviceMajor;

        [FieldOffset(140)]
        public uint DeviceMinor;

        public readonly FileStatus ToStatus() =>
            new(((ulong)DeviceMajor << 32) | DeviceMinor, Inode, (long)Size, Links, KindOf(Mode), (ModifiedSeconds * 1_000_000_000) + ModifiedNanoseconds);

        /// <summary>The file type bits of <c>st_mode</c> (<c>S_IFMT</c>).</summary>
        private static FileKind KindOf(ushort mode) => (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
    }
}

/// <summary>What a path names, as far as tailing goes: only regular files are read.</summary>
internal enum FileKind
{
    Regular,
    Directory,

    /// <summary>A FIFO, socket or device: opening or reading it may block forever, so it is never tailed.</summary>
    Special,
}
