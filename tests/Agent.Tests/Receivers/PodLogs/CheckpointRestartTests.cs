using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class CheckpointRestartTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_new_receiver_on_the_same_storage_neither_loses_nor_repeats_lines()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        using var app = kubelet.StartContainer("ns", "app", "u-1", "app", docker: false);
        using var legacy = kubelet.StartContainer("ns", "legacy", "u-2", "app", docker: true);
        WriteLines(app, legacy, 0, 100);

        var first = new RecordingConsumer<LogsBatch>();
        var firstLines = new CapturedLines(first);
        await harness.StartAsync(first);
        await Eventually.UntilAsync(() => firstLines.Count == 200, "the first 200 lines");
        await harness.StopAsync();

        WriteLines(app, legacy, 100, 150);
        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second);
        await Eventually.UntilAsync(() => secondLines.Count >= 100, "the 100 lines written while stopped");
        WriteLines(app, legacy, 150, 160);
        await Eventually.UntilAsync(() => secondLines.Count >= 120, "the lines written after the restart");
        await WriteLastLinesAsync(secondLines, app, legacy);

        var all = firstLines.Concat(secondLines).ToList();
        Assert.Equal(kubelet.Written.Select(w => (w.Container.Pod, w.Text)).Order(), all.Select(l => (l.Pod, l.Text)).Order());
        Assert.Equal(322, all.Count); // 160 lines and the last line per container
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_line_split_across_the_restart_is_joined_and_nothing_else_is_repeated()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string file = CreateLog(root, "0.log");
        await File.AppendAllTextAsync(file, "2024-01-01T12:00:00Z stdout P first half, \n2024-01-01T12:00:01Z stderr F unrelated\n");
        var first = new RecordingConsumer<LogsBatch>();
        var firstLines = new CapturedLines(first);
        await harness.StartAsync(first);
        await Eventually.UntilAsync(() => firstLines.Count == 1, "the complete stderr line");
        string firstLast = await AppendLastLineAsync(firstLines, file);
        await harness.StopAsync();

        await File.AppendAllTextAsync(file, "2024-01-01T12:00:02Z stdout F second half\n");
        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second);
        await Eventually.UntilAsync(() => secondLines.Count == 1, "the joined line");
        string secondLast = await AppendLastLineAsync(secondLines, file);

        Assert.Equal(["unrelated", firstLast], firstLines.Select(l => l.Text));
        Assert.Equal(["first half, second half", secondLast], secondLines.Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_file_rotated_while_stopped_is_finished_from_its_new_name_before_the_new_file()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        using var app = kubelet.StartContainer("ns", "app", "u-1", "app", docker: false);
        for (int i = 0; i < 50; i++)
        {
            app.Write(LogStream.Stdout, $"before stop {i}");
        }

        var first = new RecordingConsumer<LogsBatch>();
        var firstLines = new CapturedLines(first);
        await harness.StartAsync(first);
        await Eventually.UntilAsync(() => firstLines.Count == 50, "the first lines");
        await harness.StopAsync();

        for (int i = 0; i < 30; i++)
        {
            app.Write(LogStream.Stdout, $"while stopped {i}");
        }

        app.RotateByRename(lateLines: 3);
        for (int i = 0; i < 20; i++)
        {
            app.Write(LogStream.Stdout, $"new file {i}");
        }

        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second);
        await Eventually.UntilAsync(() => secondLines.Count >= 53, "the rest of the old file and the new file");
        await WriteLastLinesAsync(secondLines, app);

        Assert.Equal(kubelet.Written.Skip(50).Select(w => w.Text), secondLines.Select(l => l.Text));
        Assert.All(secondLines, l => Assert.EndsWith("/app/0.log", l.FilePath, StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_errored_batch_is_read_again_and_sent_once_more()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        using var app = kubelet.StartContainer("ns", "app", "u-1", "app", docker: false);
        for (int i = 0; i < 300; i++)
        {
            app.Write(LogStream.Stdout, $"line {i} " + new string('y', 60));
        }

        // The first two batches fail; what the consumer keeps is only what it acknowledged as delivered.
        var consumer = new RecordingConsumer<LogsBatch> { Decide = n => n < 2 ? DeliveryStatus.Errored : DeliveryStatus.Delivered };
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer);
        await Eventually.UntilAsync(() => lines.Count >= 300, "every line delivered");
        await WriteLastLinesAsync(lines, app);

        Assert.True(consumer.Count > 2);
        Assert.Equal(kubelet.Written.Select(w => w.Text), lines.Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_rejected_batch_moves_the_checkpoint_and_is_not_sent_again()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string file = CreateLog(root, "0.log");
        await File.AppendAllTextAsync(file, "2024-01-01T12:00:00Z stdout F refused forever\n");
        var consumer = new RecordingConsumer<LogsBatch> { Decide = n => n == 0 ? DeliveryStatus.Rejected : DeliveryStatus.Delivered };
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer);
        await Eventually.UntilAsync(() => consumer.Count == 1, "the batch");
        string firstLast = await AppendLastLineAsync(lines, file);
        await harness.StopAsync();
        Assert.Equal(2, consumer.Count);
        Assert.Equal([firstLast], lines.Select(l => l.Text));

        await File.AppendAllTextAsync(file, "2024-01-01T12:00:01Z stdout F accepted\n");
        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second);
        await Eventually.UntilAsync(() => secondLines.Count == 1, "the new line");
        string secondLast = await AppendLastLineAsync(secondLines, file);
        Assert.Equal(["accepted", secondLast], secondLines.Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Batches_never_acknowledged_before_shutdown_are_sent_again_after_it()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        using var app = kubelet.StartContainer("ns", "app", "u-1", "app", docker: false);
        for (int i = 0; i < 200; i++)
        {
            app.Write(LogStream.Stdout, $"line {i} " + new string('z', 60));
        }

        var stuck = new RecordingConsumer<LogsBatch> { Hold = true };
        await harness.StartAsync(stuck);
        await Eventually.UntilAsync(() => stuck.HeldCount == 2, "two batches in flight");
        await harness.StopAsync(drain: TimeSpan.FromMilliseconds(100));

        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second);
        await Eventually.UntilAsync(() => secondLines.Count >= 200, "every line again");
        await WriteLastLinesAsync(secondLines, app);
        Assert.Equal(kubelet.Written.Select(w => w.Text), secondLines.Select(l => l.Text));
        stuck.ReleaseHeld();
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Start_at_end_skips_what_was_there_at_the_first_start_only()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string old = CreateLog(root, "0.log");
        await File.WriteAllTextAsync(old, "2024-01-01T12:00:00Z stdout F old 1\n2024-01-01T12:00:00Z stdout F old 2\n");
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, harness.NewOptions(StartAt.End));
        await Eventually.UntilAsync(() => OpenFiles.Under(root.Path).Contains(old), "the first poll to open the old file at its end");
        await File.AppendAllTextAsync(old, "2024-01-01T12:00:01Z stdout F new in old file\n");
        string later = CreateLog(root, "1.log");
        await File.WriteAllTextAsync(later, "2024-01-01T12:00:02Z stdout F first line of a later file\n");
        await Eventually.UntilAsync(() => lines.Count == 2, "the two new lines");
        await harness.StopAsync();

        // Written while the agent was down: a new file is read whole even with start_at: end.
        string whileDown = CreateLog(root, "2.log");
        await File.WriteAllTextAsync(whileDown, "2024-01-01T12:00:03Z stdout F written while down\n");
        var second = new RecordingConsumer<LogsBatch>();
        var secondLines = new CapturedLines(second);
        await harness.StartAsync(second, harness.NewOptions(StartAt.End));
        await Eventually.UntilAsync(() => secondLines.Count == 1, "the file written while down");
        string[] lastLines = [await AppendLastLineAsync(secondLines, old), await AppendLastLineAsync(secondLines, later), await AppendLastLineAsync(secondLines, whileDown)];

        Assert.Equal(["first line of a later file", "new in old file"], lines.Select(l => l.Text).Order());
        Assert.Equal(["written while down", .. lastLines], secondLines.Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Start_at_beginning_reads_existing_files_whole()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string file = CreateLog(root, "0.log");
        await File.WriteAllTextAsync(file, "2024-01-01T12:00:00Z stdout F old 1\n2024-01-01T12:00:00Z stdout F old 2\n");
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, harness.NewOptions(StartAt.Beginning));
        await Eventually.UntilAsync(() => lines.Count == 2, "both lines");
        Assert.Equal(["old 1", "old 2"], lines.Select(l => l.Text));
    }

    private static void WriteLines(FakeContainer cri, FakeContainer docker, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            cri.Write(i % 2 == 0 ? LogStream.Stdout : LogStream.Stderr, $"cri {i}", parts: i % 10 == 0 ? 2 : 1);
            docker.Write(LogStream.Stdout, $"docker {i}", parts: i % 10 == 5 ? 2 : 1);
        }
    }

    /// <summary>
    /// Writes one last line per container and waits for them. The receiver reads a file in order, so a repeat of an
    /// earlier line would have arrived before its file's last line: this stands in for waiting to see nothing more.
    /// </summary>
    private static async Task WriteLastLinesAsync(CapturedLines lines, params FakeContainer[] containers)
    {
        var texts = containers.Select(c => $"last line of {c.Key.Pod}/{c.Key.Container} {Guid.NewGuid():N}").ToList();
        for (int i = 0; i < containers.Length; i++)
        {
            containers[i].Write(LogStream.Stdout, texts[i]);
        }

        await Eventually.UntilAsync(() => texts.All(t => lines.Any(l => l.Text == t)), "the last line of each container");
    }

    /// <summary>
    /// Appends a last line to a file and waits for it (see <see cref="WriteLastLinesAsync"/>); returns its text. On
    /// stderr, so it does not finish a split stdout line still waiting for its end.
    /// </summary>
    private static async Task<string> AppendLastLineAsync(CapturedLines lines, string file)
    {
        string text = $"last line of {Path.GetFileName(file)} {Guid.NewGuid():N}";
        await File.AppendAllTextAsync(file, $"2024-01-01T12:59:59Z stderr F {text}\n");
        await Eventually.UntilAsync(() => lines.Any(l => l.Text == text), $"the last line of {file}");
        return text;
    }

    private static string CreateLog(TempDirectory root, string name)
    {
        string directory = root.Combine("pods", "ns_pod_u1", "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.AppendAllText(path, string.Empty);
        return path;
    }
}
