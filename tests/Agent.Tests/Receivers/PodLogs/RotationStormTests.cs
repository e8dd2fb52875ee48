using System.Globalization;
using System.IO.Compression;
using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using Xunit.Abstractions;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>
/// Issue 12's rotation storm: a writer at about 2,000 lines/s renaming its file every 50 ms and keeping the 4 newest
/// rotated files. Every line must arrive exactly once, each file's lines in order.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class RotationStormTests(ITestOutputHelper output)
{
    private const int LinesPerSecond = 2000;
    private const int Keep = 4;

    public static TheoryData<int, RotationNaming, int> Storms => new()
    {
        // A poll interval far longer than a file lives: only the watch can see most files in time.
        { 50, RotationNaming.Numbered, 1000 },
        { 50, RotationNaming.Timestamped, 1000 },
        { 200, RotationNaming.Numbered, 1000 },
    };

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Storms))]
    public async Task Every_line_arrives_exactly_once_while_the_file_rotates_every_few_milliseconds(int periodMs, RotationNaming naming, int pollMs)
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var lines = await StartAsync(harness, $"storm-{periodMs}-{naming}", TimeSpan.FromMilliseconds(pollMs));

        var writer = await RunStormAsync(root, naming, TimeSpan.FromMilliseconds(periodMs));

        await AssertEveryLineOnceInOrderAsync(writer, lines, $"rotation every {periodMs} ms ({naming}), poll {pollMs} ms");

        // Each new file is read from its start. The file system soon gives a new file a deleted one's inode, and the
        // new file is empty when it is opened: taken for the deleted file, it was followed from that file's end, and
        // its first lines were lost whenever it outgrew that offset before its first read.
        string live = root.Combine("pods", "ns_storm_u1", "app", "0.log");
        var resumed = PodLogsTestHost.Logged.Where(line => line.Contains($"Following {live} from offset ", StringComparison.Ordinal) && !line.Contains(" from offset 0 ", StringComparison.Ordinal)).ToList();
        Assert.True(resumed.Count == 0, $"{resumed.Count} new files were followed from an offset past their start, the first: {resumed.FirstOrDefault()}");

        // No handle left behind: the rotated files were released, and the live one is once deleted.
        Directory.Delete(root.Combine("pods"), recursive: true);
        await Eventually.UntilAsync(() => OpenFiles.Under(root.Path).Count == 0, "every handle to be released");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Polling_alone_finishes_rotated_files_when_the_directory_cannot_be_watched()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        double before = SelfMetrics.Value("agent_receiver_file_watch_failures_total", ("receiver", "filelog/nowatch"));
        int attempts = 0;
        var lines = await StartAsync(harness, "nowatch", TimeSpan.FromMilliseconds(20), (_, _, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new IOException("The configured user limit (128) on the number of inotify instances has been reached");
        });

        // Polling alone cannot promise to see a file that lives 200 ms on a busy machine (a stalled poll loses it:
        // the reason for the watch); rotating every 400 ms for 6 s, files live 1.6 s, which a 20 ms poll sees.
        var writer = await RunStormAsync(root, RotationNaming.Numbered, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(6));

        await AssertEveryLineOnceInOrderAsync(writer, lines, "rotation every 400 ms, no watch, poll 20 ms");

        // Tried once, counted and logged once, then only polled (many polls ran meanwhile).
        Assert.Equal(1, attempts);
        Assert.Equal(before + 1, SelfMetrics.Value("agent_receiver_file_watch_failures_total", ("receiver", "filelog/nowatch")));
        Assert.Single(PodLogsTestHost.Logged, line => line.Contains("finding them by polling", StringComparison.Ordinal) && line.Contains(root.Path, StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Compressed_and_half_compressed_rotated_files_are_never_read()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var (directory, lines) = await StartOnOneLiveLineAsync(root, harness, "gz");
        string live = Path.Combine(directory, "0.log");

        // The kubelet's compression: gzip into <name>.tmp, then rename to <name>.gz; both appear after the start.
        await WriteGzipAsync(Path.Combine(directory, "0.log.20261201-110000.tmp"), "tmp line\n");
        await WriteGzipAsync(Path.Combine(directory, "0.log.20261201-100000.gz"), "gz line\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "0.log.20261201-120000"), "rotated 0\nrotated 1\n");
        await File.AppendAllTextAsync(live, "live 1\n");

        // The look that found the uncompressed rotated file listed the compressed ones beside it.
        await Eventually.UntilAsync(() => lines.Count >= 4, () => $"the rotated file's and the new live line; arrived: {string.Join(", ", lines.Select(l => l.Text))}");
        Assert.Equal(["live 0", "live 1", "rotated 0", "rotated 1"], lines.Select(l => l.Text).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(OpenFiles.Under(directory), path => path.EndsWith(".gz", StringComparison.Ordinal) || path.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_rotated_file_written_after_a_look_found_it_empty_is_read_without_waiting_for_the_rescan()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var (directory, lines) = await StartOnOneLiveLineAsync(root, harness, "late", rescan: TimeSpan.FromHours(1));

        // An empty rotated file, then a new live file beside it: once the new file's line arrives, a look at the
        // directory has listed the rotated file while it was still empty.
        string rotated = Path.Combine(directory, "0.log.20261201-120000");
        await File.WriteAllBytesAsync(rotated, []);
        await File.WriteAllTextAsync(Path.Combine(directory, "1.log"), "restarted 0\n");
        await Eventually.UntilAsync(() => lines.Count == 2, () => $"the new live file's line; arrived: {string.Join(", ", lines.Select(l => l.Text))}");

        await File.AppendAllTextAsync(rotated, "rotated 0\n");
        await Eventually.UntilAsync(() => lines.Count >= 3, () => $"the rotated file's line; arrived: {string.Join(", ", lines.Select(l => l.Text))}");
        Assert.Equal(["live 0", "restarted 0", "rotated 0"], lines.Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_file_deleted_while_open_is_read_to_its_end_and_then_released()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "ns_gone_u1", "app");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        var lines = await StartAsync(harness, "deleted", TimeSpan.FromMilliseconds(20));
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            file.Write("before 0\nbefore 1\n"u8);
            file.Flush();

            // Open twice: by this writer and by the receiver.
            await Eventually.UntilAsync(() => OpenFiles.Under(directory).Count == 2, "the receiver to open the file");
            File.Delete(path);
            file.Write("after 0\nafter 1\n"u8);
            file.Flush();
        }

        await Eventually.UntilAsync(() => lines.Count >= 4, "every line, those written after the delete included");
        Assert.Equal(["before 0", "before 1", "after 0", "after 1"], lines.Select(l => l.Text));
        await Eventually.UntilAsync(() => OpenFiles.Under(directory).Count == 0, "the deleted file's handle to be released");
    }

    /// <summary>A pod directory whose live file holds the line "live 0", and the receiver started on it once that line arrived.</summary>
    private static async Task<(string Directory, CapturedLines Lines)> StartOnOneLiveLineAsync(TempDirectory root, ReceiverHarness harness, string pod, TimeSpan? rescan = null)
    {
        string directory = root.Combine("pods", $"ns_{pod}_u1", "app");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "0.log"), "live 0\n");
        var lines = await StartAsync(harness, pod, TimeSpan.FromMilliseconds(20), rescan: rescan);
        await Eventually.UntilAsync(() => lines.Count == 1, "the live file's line");
        return (directory, lines);
    }

    private static async Task<CapturedLines> StartAsync(ReceiverHarness harness, string name, TimeSpan poll, StartWatch? watch = null, TimeSpan? rescan = null)
    {
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        var options = harness.NewOptions();
        options.Operators = [];
        options.Format = LogFormat.Plain;
        options.PollInterval = poll;
        options.RescanInterval = rescan ?? options.RescanInterval;
        options.MaxBatchBytes = 128 * 1024;
        options.MaxBatchesInFlight = 4;
        await harness.StartAsync(consumer, options, name, watch: watch);
        return lines;
    }

    private static async Task<RotatingWriter> RunStormAsync(TempDirectory root, RotationNaming naming, TimeSpan period, TimeSpan? duration = null)
    {
        string directory = root.Combine("pods", "ns_storm_u1", "app");
        Directory.CreateDirectory(directory);
        var writer = new RotatingWriter(Path.Combine(directory, "0.log"), naming, Keep);
        await writer.RunAsync(LinesPerSecond, period, duration ?? TimeSpan.FromSeconds(3));
        return writer;
    }

    private static async Task WriteGzipAsync(string path, string text)
    {
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    private async Task AssertEveryLineOnceInOrderAsync(RotatingWriter writer, CapturedLines lines, string what)
    {
        int written = writer.FileOfLine.Count;
        var expected = Enumerable.Range(0, written).Select(n => RotatingWriter.Line(n, writer.FileOfLine[n])).ToHashSet(StringComparer.Ordinal);
        Assert.True(writer.Rotations >= 10, $"the writer rotated only {writer.Rotations} times");
        try
        {
            // Positive signal: every written line seen at least once.
            await Eventually.UntilAsync(
                () => lines.Select(l => l.Text).Where(expected.Contains).Distinct().Count() == written,
                () => $"every written line ({what}: {Figures(writer, lines)})",
                seconds: 40);
        }
        finally
        {
            output.WriteLine($"{what}: {Figures(writer, lines)}");
        }

        var delivered = lines.Select(l => l.Text).ToList();
        Assert.All(delivered, text => Assert.Contains(text, expected));
        Assert.Equal(written, delivered.Count);

        // Each file's lines in the order written.
        foreach (var file in delivered.GroupBy(text => text.Substring(8, 9)))
        {
            var numbers = file.Select(Number).ToList();
            Assert.Equal(numbers.Order(), numbers);
        }
    }

    private static string Figures(RotatingWriter writer, CapturedLines lines)
    {
        var counts = lines.GroupBy(l => Number(l.Text)).ToDictionary(g => g.Key, g => g.Count());
        int written = writer.FileOfLine.Count;
        int lost = Enumerable.Range(0, written).Count(n => !counts.ContainsKey(n));
        int duplicated = counts.Values.Sum(c => c - 1);
        return $"{written} lines in {writer.Rotations + 1} files, {lost} lost, {duplicated} duplicated";
    }

    private static int Number(string text) => int.Parse(text.AsSpan(0, 7), CultureInfo.InvariantCulture);
}
