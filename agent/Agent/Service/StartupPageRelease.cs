using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>
/// Once the agent is running, drops the pages of its own executable that the kernel keeps mapped and cached but
/// the agent no longer uses, and stops the kernel from reading ahead around the pages it does use. A code or data
/// page is read from the file the first time it is touched; the kernel reads 128 kB around each such fault and maps
/// up to 64 kB of cached neighbours with it, so start-up alone (configuration, YAML, dependency injection, Kestrel)
/// left about 31 MiB of the binary resident where the idle agent touches about 6. Linux only, best effort: a kernel
/// without <c>MADV_PAGEOUT</c> (before 5.4) keeps everything as it was.
/// </summary>
internal static partial class StartupPageRelease
{
    /// <summary>Set to 1 to keep the pages (no release, readahead as usual): first uses then never wait for a disk read.</summary>
    public const string KeepVariable = "AGENT_KEEP_STARTUP_PAGES";

    private const int MadviseRandom = 1;
    private const int MadvisePageOut = 21;

    /// <summary>Releases this process's executable, unless <see cref="KeepVariable"/> says not to or this is not Linux.</summary>
    public static void ReleaseOwnExecutable(ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(KeepVariable) == "1" || Environment.ProcessPath is not { } executable)
        {
            return;
        }

        try
        {
            Release(executable, File.ReadLines("/proc/self/maps"), logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotReleased(logger, ex.Message);
        }
    }

    /// <summary>Releases the mappings of <paramref name="executable"/> listed in <paramref name="maps"/> (/proc/self/maps).</summary>
    private static void Release(string executable, IEnumerable<string> maps, ILogger logger)
    {
        long advised = 0;
        foreach (var (start, length) in MappingsOf(executable, maps))
        {
            // Random access first: without readahead, a page touched again comes back alone.
            if (madvise(start, length, MadviseRandom) != 0 || madvise(start, length, MadvisePageOut) != 0)
            {
                LogNotReleased(logger, Marshal.GetLastPInvokeErrorMessage());
                return;
            }

            advised += (long)length;
        }

        LogReleased(logger, advised / (1024 * 1024));
    }

    /// <summary>The address ranges of /proc/self/maps lines whose path is <paramref name="executable"/>.</summary>
    public static IEnumerable<(nint Start, nuint Length)> MappingsOf(string executable, IEnumerable<string> maps)
    {
        foreach (string line in maps)
        {
            // "start-end perms offset dev inode path": the path is the sixth field and may hold spaces.
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != executable)
            {
                continue;
            }

            var range = fields[0].Split('-');
            long start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            yield return ((nint)start, (nuint)(end - start));
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released {Megabytes} MiB of the executable's start-up pages")]
    private static partial void LogReleased(ILogger logger, long megabytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The executable's start-up pages stay resident: {Reason}")]
    private static partial void LogNotReleased(ILogger logger, string reason);
}
