using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class PodLogsReceiverTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_live_kubelet_tree_arrives_exactly_once_in_order_with_its_resource()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        double malformedBefore = SelfMetrics.MalformedLineValue("filelog/kubelet", "bad_timestamp");
        await harness.StartAsync(consumer, name: "kubelet");

        using var web = kubelet.StartContainer("shop", "web-7d9f", "11111111-aaaa-bbbb-cccc-000000000001", "nginx", docker: false);
        using var worker = kubelet.StartContainer("shop", "worker-1", "11111111-aaaa-bbbb-cccc-000000000002", "worker", docker: true);
        using var sidecar = kubelet.StartContainer("infra", "agent-x", "11111111-aaaa-bbbb-cccc-000000000003", "proxy", docker: false);
        var doomed = kubelet.StartContainer("tmp", "job-1", "11111111-aaaa-bbbb-cccc-000000000004", "task", docker: false);

        // Let the receiver find the four files first (a file rotated before it is opened is finished under its
        // rotated name, which the rotation storm tests pin), so that this test follows each file from its start.
        // Each of the four files is open twice once found: by the fake kubelet, which writes it, and by the receiver.
        await Eventually.UntilAsync(() => OpenFiles.Under(kubelet.PodsDirectory).Count == 8, "the four files to be found");

        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 40; i++)
            {
                web.Write(i % 3 == 0 ? LogStream.Stderr : LogStream.Stdout, $"{{\"level\":\"info\",\"msg\":\"web r{round} line {i}\"}}");
                worker.Write(i % 4 == 0 ? LogStream.Stderr : LogStream.Stdout, $"worker \"quoted\"\ttab r{round} {i} é");
                sidecar.Write(LogStream.Stdout, $"proxy r{round} {i}", parts: i % 5 == 0 ? 3 : 1);
                if (round < 3)
                {
                    doomed.Write(LogStream.Stdout, $"job r{round} {i}", parts: i % 7 == 0 ? 2 : 1);
                }
            }

            worker.Write(LogStream.Stdout, new string('w', 3000) + $" long docker line r{round}", parts: 3);
            switch (round)
            {
                case 1:
                    web.RotateByRename(lateLines: 5);
                    worker.RotateByRename(lateLines: 2);
                    break;
                case 2:
                    // copytruncate loses what was written after the last read, by nature: let the reader catch up first.
                    await WaitForAllAsync(kubelet, lines);
                    sidecar.RotateByCopyTruncate();
                    break;
                case 3:
                    await WaitForAllAsync(kubelet, lines);
                    doomed.Dispose();
                    kubelet.DeletePod("tmp", "job-1", "11111111-aaaa-bbbb-cccc-000000000004");
                    break;
                case 4:
                    web.Write(LogStream.Stdout, "last words before the restart");
                    break;
            }

            await Task.Delay(30);
        }

        using var restarted = kubelet.StartContainer("shop", "web-7d9f", "11111111-aaaa-bbbb-cccc-000000000001", "nginx", docker: false, restart: 1);
        for (int i = 0; i < 25; i++)
        {
            restarted.Write(LogStream.Stdout, $"after restart {i}");
        }

        await WaitForAllAsync(kubelet, lines);
        await Eventually.UntilAsync(
            () => !OpenFiles.Under(kubelet.PodsDirectory).Any(p => p.Contains("tmp_job-1", StringComparison.Ordinal)),
            "the deleted pod's file to be released");

        var expected = kubelet.Written;
        var actual = lines.ToList();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var group in expected.GroupBy(e => (e.Container, e.Stream)))
        {
            var (key, stream) = group.Key;
            var delivered = actual
                .Where(l => l.PodUid == key.Uid && l.Container == key.Container && l.Restart == key.Restart && l.Stream == stream)
                .ToList();
            Assert.Equal(group.Select(e => (e.Text, e.TimeUnixNano)), delivered.Select(l => (l.Text, l.TimeUnixNano)));
            Assert.All(delivered, l =>
            {
                Assert.Equal(key.Namespace, l.Namespace);
                Assert.Equal(key.Pod, l.Pod);
                Assert.Equal($"{kubelet.PodsDirectory}/{key.Namespace}_{key.Pod}_{key.Uid}/{key.Container}/{key.Restart}.log", l.FilePath);
                Assert.False(l.Truncated);
            });
        }

        Assert.Equal(6 * 40, actual.Count(l => l.Text.StartsWith("{\"level\":\"info\",\"msg\":\"web r", StringComparison.Ordinal) && l.Level == "info" && l.Severity == 9));
        Assert.Equal(malformedBefore, SelfMetrics.MalformedLineValue("filelog/kubelet", "bad_timestamp"));
        Assert.True(SelfMetrics.AcceptedValue("filelog/kubelet", "file", Signal.Logs) >= expected.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Malformed_lines_are_counted_and_skipped_and_the_rest_arrives()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "ns_bad_u1", "c");
        Directory.CreateDirectory(directory);
        double before = SelfMetrics.MalformedLineValue("filelog/malformed", "bad_flag");
        await File.WriteAllTextAsync(Path.Combine(directory, "0.log"), "2024-01-01T12:00:00Z stdout F good 1\n2024-01-01T12:00:00Z stdout Q nope\n\u0001\u0002garbage\n2024-01-01T12:00:00Z stderr F good 2\n");
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, name: "malformed");

        await Eventually.UntilAsync(() => lines.Count == 2, "the two good lines");
        Assert.Equal(["good 1", "good 2"], lines.Select(l => l.Text));
        await Eventually.UntilAsync(() => SelfMetrics.MalformedLineValue("filelog/malformed", "bad_flag") == before + 1, "the malformed line to be counted");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Reading_stops_while_batches_are_in_flight_and_goes_on_when_they_are_acknowledged()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        using var container = kubelet.StartContainer("ns", "busy", "u-1", "app", docker: false);
        for (int i = 0; i < 500; i++)
        {
            container.Write(LogStream.Stdout, $"line {i} " + new string('x', 100));
        }

        var consumer = new RecordingConsumer<LogsBatch> { Hold = true };
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer);
        await Eventually.UntilAsync(() => consumer.HeldCount == 2, "two batches in flight");

        // Each file has its own window: a file written now is read by later polls of the same receiver, so once its
        // line is in, the busy file has had those polls too and would have sent a third batch had it not stopped.
        using var later = kubelet.StartContainer("ns", "later", "u-2", "app", docker: false);
        later.Write(LogStream.Stdout, "written later");
        await Eventually.UntilAsync(() => lines.Any(l => l.Text == "written later"), "the line of the later file");
        Assert.Equal(3, consumer.Count);

        consumer.Hold = false;
        consumer.ReleaseHeld();
        await Eventually.UntilAsync(() => lines.Count == 501, "every line");
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"line {i} " + new string('x', 100)), lines.Where(l => l.Pod == "busy").Select(l => l.Text));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task All_files_together_stop_reading_at_max_bytes_in_flight_and_go_on_as_batches_are_acknowledged()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        var kubelet = new FakeKubelet(root.Path);
        var containers = Enumerable.Range(0, 5).Select(i => kubelet.StartContainer("ns", $"busy-{i}", $"u-{i}", "app", docker: false)).ToList();
        foreach (var container in containers)
        {
            for (int i = 0; i < 200; i++)
            {
                container.Write(LogStream.Stdout, $"line {i} " + new string('x', 100));
            }
        }

        var options = harness.NewOptions();
        options.MaxBatchesInFlight = 4;
        options.MaxBytesInFlight = 3 * options.MaxBatchBytes;
        var consumer = new RecordingConsumer<LogsBatch> { Hold = true };
        var lines = new CapturedLines(consumer);
        var receiver = await harness.StartAsync(consumer, options, name: "budget");

        // Every file has more to read and room in its own window (4 batches, more than the budget's 3), so once all five wait for the shared budget no
        // further batch can be on its way: exactly the three the budget holds were handed on.
        await Eventually.UntilAsync(() => receiver.Budget.Waiting == 5, "every file waiting for the read budget");
        Assert.Equal(3, consumer.Count);
        Assert.Equal(3 * options.MaxBatchBytes, receiver.Budget.Held);
        await Eventually.UntilAsync(
            () => SelfMetrics.Value("agent_receiver_read_budget_held_bytes", ("receiver", "filelog/budget")) == 3 * options.MaxBatchBytes,
            "the budget held, in the receiver's gauge at a poll");

        consumer.Hold = false;
        consumer.ReleaseHeld();
        await Eventually.UntilAsync(() => lines.Count == 1000, "every line");
        for (int pod = 0; pod < 5; pod++)
        {
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"line {i} " + new string('x', 100)), lines.Where(l => l.Pod == $"busy-{pod}").Select(l => l.Text));
        }

        await Eventually.UntilAsync(() => receiver.Budget.Held == 0, "the budget given back once every batch is acknowledged");
        containers.ForEach(container => container.Dispose());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Long_lines_are_cut_at_max_log_size_and_lines_beyond_the_buffer_skip_to_their_end()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "ns_long_u1", "c");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, "0.log");
        double before = SelfMetrics.TruncatedLineValue("filelog/long");
        await File.WriteAllTextAsync(
            file,
            "2024-01-01T12:00:00Z stdout F short\n" +
            "2024-01-01T12:00:00Z stdout F " + new string('a', 20_000) + "\n" +
            "2024-01-01T12:00:00Z stderr F " + new string('b', 200_000) + "\n" +
            "2024-01-01T12:00:00Z stdout F after\n");
        var options = harness.NewOptions();
        options.MaxLogSize = 1024;
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, options, name: "long");

        await Eventually.UntilAsync(() => lines.Count == 4, "four records");
        Assert.Equal(["short", new string('a', 1024), new string('b', 1024), "after"], lines.Select(l => l.Text));
        Assert.Equal([false, true, true, false], lines.Select(l => l.Truncated));
        Assert.Equal(before + 2, SelfMetrics.TruncatedLineValue("filelog/long"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_deleted_file_is_read_to_its_end_and_its_unfinished_lines_are_kept()
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "gone_pod_u9", "c");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, "0.log");
        await File.WriteAllTextAsync(file, "2024-01-01T12:00:00Z stdout F complete\n");
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer);
        await Eventually.UntilAsync(() => lines.Count == 1, "the first line");

        await File.AppendAllTextAsync(file, "2024-01-01T12:00:01Z stderr P split but never finished\n2024-01-01T12:00:02Z stdout F no newline at the end");
        Directory.Delete(root.Combine("pods", "gone_pod_u9"), recursive: true);

        await Eventually.UntilAsync(() => lines.Count == 3, "the unfinished lines");
        await Eventually.UntilAsync(() => OpenFiles.Under(root.Combine("pods")).Count == 0, "the deleted file to be released");
        Assert.Equal(["complete", "no newline at the end", "split but never finished"], lines.Select(l => l.Text));
        Assert.Equal(LogStream.Stderr, lines[2].Stream);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(50)]
    [InlineData(60_000)]
    public async Task A_file_renamed_away_and_back_is_read_once(int deleteGraceMs)
    {
        using var root = new TempDirectory();
        await using var harness = new ReceiverHarness(root);
        string directory = root.Combine("pods", "ns_back_u1", "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        await File.WriteAllTextAsync(path, "a\nb\n");
        var options = harness.NewOptions();
        options.Operators = [];
        options.Format = LogFormat.Plain;
        options.DeleteGrace = TimeSpan.FromMilliseconds(deleteGraceMs);
        var consumer = new RecordingConsumer<LogsBatch>();
        var lines = new CapturedLines(consumer);
        await harness.StartAsync(consumer, options, $"back-{deleteGraceMs}");
        await Eventually.UntilAsync(() => lines.Count == 2, "the file's lines");

        // Away under a name no glob matches: the receiver takes the file for gone. A new pod's line says a look ran since.
        File.Move(path, path + ".moved");
        await WriteAndWaitAsync(root, lines, "ns_p1_u2");
        if (deleteGraceMs < 1000)
        {
            // Its tailer read it to its end and let it go.
            await Eventually.UntilAsync(() => OpenFiles.Under(directory).Count == 0, "the file to be released");
        }

        // Back at its path: the lines read before are not read again, a line written now is read once.
        File.Move(path + ".moved", path);
        await WriteAndWaitAsync(root, lines, "ns_p2_u3");
        await File.AppendAllTextAsync(path, "c\n");
        await Eventually.UntilAsync(() => lines.Count(l => l.FilePath == path) >= 3, "the line written after the file came back");
        Assert.Equal(["a", "b", "c"], lines.Where(l => l.FilePath == path).Select(l => l.Text));
    }

    private static async Task WriteAndWaitAsync(TempDirectory root, CapturedLines lines, string pod)
    {
        string directory = root.Combine("pods", pod, "c");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "0.log");
        await File.WriteAllTextAsync(path, pod + "\n");
        await Eventually.UntilAsync(() => lines.Any(l => l.FilePath == path), $"the line of {pod}");
    }

    private static async Task WaitForAllAsync(FakeKubelet kubelet, CapturedLines lines)
    {
        try
        {
            await Eventually.UntilAsync(() => lines.Count >= kubelet.Written.Count, "every line written so far");
        }
        catch (Xunit.Sdk.XunitException)
        {
            // Say which container fell behind.
            var missing = kubelet.Written
                .GroupBy(w => (w.Container.Pod, w.Container.Restart))
                .Select(g => $"{g.Key.Pod}/{g.Key.Restart}: wrote {g.Count()}, got {lines.Count(l => l.Pod == g.Key.Pod && l.Restart == g.Key.Restart)}");
            Assert.Fail(string.Join("; ", missing) + "\n" + string.Join("\n", PodLogsTestHost.Logged.Where(l => !l.Contains("Debug", StringComparison.Ordinal))));
        }
    }
}
