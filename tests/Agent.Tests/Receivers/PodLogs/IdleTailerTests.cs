using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>
/// Issue 7's idle tailer: with a working watch an idle file is not checked every poll, yet a write to it is seen at
/// once; without the watch polling finds it as before; the rescan finds what the watch missed.
/// </summary>
public sealed class IdleTailerTests
{
    private static readonly TimeSpan Rescan = TimeSpan.FromSeconds(10);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_write_to_an_idle_file_is_seen_through_the_watch_with_no_poll_at_all()
    {
        using var root = new TempDirectory();
        string path = WriteLog(root, "ns_a_u1", "first\n");
        await using var harness = new ReceiverHarness(root);

        // A clock that never moves: no poll, no rescan and no idle check ever runs, only the watch wakes anything.
        var time = NewClock();
        var lines = await StartAsync(harness, "idle-watched", time: time);
        await Eventually.UntilAsync(() => lines.Count == 1, "the line there at the start");

        await File.AppendAllTextAsync(path, "second\n");
        await Eventually.UntilAsync(() => lines.Count == 2, "the line written to the idle file");

        // A pod that appears later: its directory's creation brings a look, its writes are reported too.
        string later = WriteLog(root, "ns_b_u2", "later first\n");
        await Eventually.UntilAsync(() => lines.Count == 3, "the new pod's first line");
        await File.AppendAllTextAsync(later, "later second\n");
        await File.AppendAllTextAsync(path, "third\n");
        await Eventually.UntilAsync(() => lines.Count == 5, "the lines written to both files");
        Assert.Equal(["first", "second", "third"], lines.Where(l => l.FilePath == path).Select(l => l.Text));
        Assert.Equal(["later first", "later second"], lines.Where(l => l.FilePath == later).Select(l => l.Text));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_working_watch_polling_finds_every_write(bool watchFails)
    {
        using var root = new TempDirectory();
        string path = WriteLog(root, "ns_a_u1", "first\n");
        await using var harness = new ReceiverHarness(root);
        var options = Options(harness);
        options.Watch = watchFails;

        // A rescan far off: only the poll can find these writes.
        options.RescanInterval = TimeSpan.FromHours(1);
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        StartWatch? failing = watchFails ? (_, _, _) => throw new IOException("inotify watch limit reached") : null;
        await harness.StartAsync(consumer, options, watchFails ? "idle-watch-fails" : "idle-no-watch", watch: failing);
        await Eventually.UntilAsync(() => lines.Count == 1, "the line there at the start");

        for (int i = 0; i < 3; i++)
        {
            await File.AppendAllTextAsync(path, $"more {i}\n");
            await Eventually.UntilAsync(() => lines.Count == 2 + i, $"write {i}");
        }

        string later = WriteLog(root, "ns_b_u2", "later\n");
        await Eventually.UntilAsync(() => lines.Any(l => l.FilePath == later), "a file in a new pod");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_rescan_finds_the_file_and_the_write_a_watch_missed()
    {
        using var root = new TempDirectory();
        WriteLog(root, "ns_a_u1", "first\n");
        await using var harness = new ReceiverHarness(root);
        var time = NewClock();

        // A watch that starts and reports nothing: the receiver takes it for working and rests its idle files.
        var lines = await StartAsync(harness, "idle-blind-watch", (_, _, _) => new BlindWatch(), time);
        await Eventually.UntilAsync(() => lines.Count == 1, "the line there at the start");

        string missed = WriteLog(root, "ns_b_u2", "unreported\n");
        await Eventually.UntilAsync(
            () =>
            {
                time.Advance(Rescan);
                return lines.Any(l => l.FilePath == missed);
            },
            "the rescan to find the new file");

        await File.AppendAllTextAsync(missed, "unreported write\n");
        await Eventually.UntilAsync(
            () =>
            {
                time.Advance(Rescan);
                return lines.Count == 3;
            },
            "the rescan to find the write");
        Assert.Equal(["unreported", "unreported write"], lines.Where(l => l.FilePath == missed).Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task After_the_watch_lost_events_it_is_started_again_and_the_unreported_write_is_read()
    {
        var time = NewClock();
        var watches = new List<(IFileChangeSink Sink, BlindWatch Watch)>();
        StartWatch recording = (_, _, sink) =>
        {
            var watch = new BlindWatch();
            lock (watches)
            {
                watches.Add((sink, watch));
            }

            return watch;
        };
        using var root = new TempDirectory();
        string path = WriteLog(root, "ns_a_u1", "first\n");
        await using var harness = new ReceiverHarness(root);
        var lines = await StartAsync(harness, "idle-overflow", recording, time);
        await Eventually.UntilAsync(() => lines.Count == 1, "the line there at the start");

        // A write the watch does not report, then the queue overflow: .NET's watcher is dead after it.
        await File.AppendAllTextAsync(path, "second\n");
        (IFileChangeSink Sink, BlindWatch Watch) first;
        lock (watches)
        {
            first = watches.Single();
        }

        first.Sink.Overflowed();
        await Eventually.UntilAsync(() => lines.Count == 2, "the write made before the overflow");
        await Eventually.UntilAsync(
            () =>
            {
                lock (watches)
                {
                    return watches.Count == 2;
                }
            },
            "the watch to be started again");
        Assert.True(first.Watch.Disposed);
        Assert.Equal(["first", "second"], lines.Select(l => l.Text));
    }

    /// <summary>A clock that moves only when the test advances it.</summary>
    private static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private static PodLogsReceiverOptions Options(ReceiverHarness harness)
    {
        var options = harness.NewOptions();
        options.Operators = [];
        options.Format = LogFormat.Plain;
        options.RescanInterval = Rescan;
        return options;
    }

    private static async Task<CapturedLines> StartAsync(ReceiverHarness harness, string name, StartWatch? watch = null, TimeProvider? time = null)
    {
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, Options(harness), name, watch: watch, time: time);
        return lines;
    }

    private static string WriteLog(TempDirectory root, string pod, string text)
    {
        string directory = root.Combine("pods", pod, "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        File.WriteAllText(path, text);
        return path;
    }

    private sealed class BlindWatch : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
