using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Extensions.Logging.Abstractions;

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
                Assert.True(queue.TryEnqueue(new ExportRequest(Signal.Logs, 1, new[] { (byte)i }) { ContentType = "application/x-protobuf" }, 0));
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

    // fsync: interval with an interval that never comes: only the acknowledgement count forces the cursor.
    private PersistentRequestQueue Open(DiskSync sync) =>
        new(sync, _directory, new SendingQueueOptions { Storage = "file_storage", Fsync = "interval", FsyncInterval = TimeSpan.FromHours(1) }, 1, Signal.Logs,
            new ExporterTelemetry(SelfMetrics.Registry, OtlpSamples.UniqueId("pqcursor")), NullLogger.Instance, null, null);
}
