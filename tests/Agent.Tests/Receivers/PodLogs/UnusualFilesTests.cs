using System.Runtime.InteropServices;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using Microsoft.Win32.SafeHandles;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>Paths the include glob matches that must not be tailed: named pipes and files that cannot be opened.</summary>
public class UnusualFilesTests
{
    private const string Line = "2024-01-01T12:00:00Z stdout F ";

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_fifo_is_skipped_counted_and_logged_once_and_blocks_neither_start_nor_the_files_after_it_nor_shutdown()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string early = MakeFifo(root, "ns_a_u1");
        WriteLog(root, "ns_b_u2", "after the fifo");
        double before = SelfMetrics.FilesSkippedValue("filelog/fifo", "not_regular_file");
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);

        // Started on another thread: before the fix, start-up waited in open() for a writer and never returned.
        await Task.Run(() => harness.StartAsync(consumer, name: "fifo")).WaitAsync(TimeSpan.FromSeconds(10));

        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "after the fifo"), "the file sorting after the FIFO");
        Assert.Equal(before + 1, SelfMetrics.FilesSkippedValue("filelog/fifo", "not_regular_file"));
        Assert.Contains(PodLogsTestHost.Logged, l => l.Contains(early, StringComparison.Ordinal) && l.Contains("not a regular file", StringComparison.Ordinal));

        string late = MakeFifo(root, "ns_c_u3");
        await Eventually.UntilAsync(
            () => SelfMetrics.FilesSkippedValue("filelog/fifo", "not_regular_file") == before + 2, "the FIFO that appeared later to be counted");

        // Later polls (a file written after them arrives) neither count nor log either FIFO again.
        WriteLog(root, "ns_d_u4", "later file");
        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "later file"), "a file written after the second FIFO");
        Assert.Equal(before + 2, SelfMetrics.FilesSkippedValue("filelog/fifo", "not_regular_file"));
        Assert.True(PodLogsTestHost.Logged.Count(l => l.Contains(late, StringComparison.Ordinal)) <= 1);
        Assert.DoesNotContain(OpenFiles.Under(root.Combine("pods")), p => p == early || p == late);

        await harness.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_file_that_cannot_be_opened_is_skipped_counted_and_logged_once_and_read_once_it_can_be()
    {
        // The tests run as root, which reads any file whatever its mode, so the open failure is injected through the
        // receiver's opener: EACCES, as a non-root agent meets on a file mode 0600 owned by someone else.
        using var root = new TempDirectory();
        string locked = WriteLog(root, "ns_a_u1", "locked away");
        WriteLog(root, "ns_b_u2", "readable");
        bool denied = true;
        SafeFileHandle Open(string path) => Volatile.Read(ref denied) && path == locked
            ? throw new UnauthorizedAccessException($"{path}: Permission denied")
            : LogFileOpener.Open(path);

        await using var harness = new ReceiverHarness(root);
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        double before = SelfMetrics.FilesSkippedValue("filelog/locked", "unreadable");
        await harness.StartAsync(consumer, name: "locked", open: Open);

        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "readable"), "the readable file");
        Assert.Equal(before + 1, SelfMetrics.FilesSkippedValue("filelog/locked", "unreadable"));
        Assert.Contains(PodLogsTestHost.Logged, l => l.Contains(locked, StringComparison.Ordinal) && l.Contains("Permission denied", StringComparison.Ordinal));

        WriteLog(root, "ns_c_u3", "later file");
        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "later file"), "a file written after several polls");
        Assert.Equal(before + 1, SelfMetrics.FilesSkippedValue("filelog/locked", "unreadable"));

        Volatile.Write(ref denied, false);
        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "locked away"), "the file once it can be opened");
    }

    private static string WriteLog(TempDirectory root, string pod, string text)
    {
        string directory = root.Combine("pods", pod, "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        File.WriteAllText(path, Line + text + "\n");
        return path;
    }

    private static string MakeFifo(TempDirectory root, string pod)
    {
        string directory = root.Combine("pods", pod, "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        Assert.Equal(0, Native.MakeFifo(path, Convert.ToUInt32("644", 8)));
        return path;
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        public static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
    }
}
