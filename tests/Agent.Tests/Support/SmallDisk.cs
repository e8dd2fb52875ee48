using System.Diagnostics;
using System.Globalization;

namespace Agent.Tests.Support;

/// <summary>
/// A file system of a few MiB (a tmpfs mounted on a directory), for what happens when a disk fills. Mounting needs
/// root (or CAP_SYS_ADMIN), as the tests of this project run; without it the test that asks fails saying so.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(string path, int sizeMib)
    {
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={sizeMib}m"), "tmpfs", path);
        Assert.True(code == 0, $"this test mounts a {sizeMib} MiB tmpfs to fill it, which needs root: mount said {error}");
        return new SmallDisk(path);
    }

    /// <summary>Takes <paramref name="bytes"/> of the disk with a file of its own; returns its path.</summary>
    public string Fill(string name, int bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, new byte[bytes]);
        return path;
    }

    public void Dispose() => Run("umount", "--lazy", Path);

    private static (int Code, string Error) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Trim());
    }
}
