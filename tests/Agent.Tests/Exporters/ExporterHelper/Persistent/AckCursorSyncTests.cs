using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

public sealed class AckCursorSyncTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-queue-cursor-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_cursor_reaches_disk_at_least_every_64_acknowledgements_and_a_reopen_resumes_after_the_last()
    {
        const int Records = 150;
        var sync = new RecordingDiskSync();
        using (var queue = Open(sync))
        {
            for (int i = 0; i < Records; i++)
            {
                Assert.True(queue.TryEnqueue(Request((byte)i), 0));
            }

            for (int i = 0; i < Records - 1; i++)
            {
                queue.Acknowledge((await queue.DequeueAsync(0, CancellationToken.None))!);
                sync.Calls.Enqueue("acknowledged");
            }
        }

        // Between two forced cursors there are never more than the bound's acknowledgements.
        var runs = string.Join(",", sync.Calls.Where(call => call is "acknowledged" or "file ack"))
            .Split("file ack", StringSplitOptions.None)
            .Select(run => run.Split(',', StringSplitOptions.RemoveEmptyEntries).Length)
            .ToArray();
        Assert.True(runs.Length >= 3, $"cursor flushes: {runs.Length - 1}");
        Assert.All(runs, run => Assert.InRange(run, 0, ShardLog.CursorSyncAcknowledgements));

        using var reopened = Open(new RecordingDiskSync());
        Assert.Equal(1, reopened.Count);
        Assert.Equal(Records - 1, (await reopened.DequeueAsync(0, CancellationToken.None))!.Body.Span[0]);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("always")]
    [InlineData("interval")]
    public async Task A_last_acknowledgement_reaches_disk_within_a_second_though_none_follows(string fsync)
    {
        var sync = new RecordingDiskSync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var queue = Open(sync, fsync, time);
        Assert.True(queue.TryEnqueue(Request(1), 0));
        queue.Acknowledge((await queue.DequeueAsync(0, CancellationToken.None))!);
        sync.Calls.Clear();

        time.Advance(ShardLog.CursorSyncInterval - TimeSpan.FromMilliseconds(1));
        Assert.DoesNotContain("file ack", sync.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["file ack"], sync.Calls.Where(call => call == "file ack"));

        // Nothing left unsynced: no more cursor fsyncs while the queue is idle.
        time.Advance(TimeSpan.FromHours(2));
        Assert.Single(sync.Calls, call => call == "file ack");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task With_fsync_never_the_cursor_is_never_forced()
    {
        var sync = new RecordingDiskSync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using (var queue = Open(sync, "never", time))
        {
            Assert.True(queue.TryEnqueue(Request(1), 0));
            queue.Acknowledge((await queue.DequeueAsync(0, CancellationToken.None))!);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.DoesNotContain("file ack", sync.Calls);
    }

    private static ExportRequest Request(byte value) => new(Signal.Logs, 1, new[] { value }) { ContentType = "application/x-protobuf" };

    // fsync: interval with an interval that never comes: only the acknowledgement count forces the cursor (a
    // tight loop of acknowledgements may still see the one-second timer; the bound holds either way).
    private PersistentRequestQueue Open(DiskSync sync, string fsync = "interval", TimeProvider? time = null) =>
        new(sync, _directory, new SendingQueueOptions { Storage = "file_storage", Fsync = fsync, FsyncInterval = TimeSpan.FromHours(1) }, 1, Signal.Logs,
            new ExporterTelemetry(SelfMetrics.Registry, OtlpSamples.UniqueId("pqcursor")), NullLogger.Instance, time, null);
}
