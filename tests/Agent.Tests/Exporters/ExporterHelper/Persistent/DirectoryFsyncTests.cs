using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

public sealed class DirectoryFsyncTests : IDisposable
{
    private const string First = "00000000000000000001.seg";
    private const string Second = "00000000000000000002.seg";
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-queue-dir-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_real_directory_is_forced_to_disk_and_a_missing_one_fails_in_words()
    {
        DirectoryFsync.Sync(_directory);

        var error = Assert.Throws<IOException>(() => DirectoryFsync.Sync(Path.Combine(_directory, "missing")));
        Assert.Contains("No such file or directory", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Segment_files_reach_disk_before_the_directory_entries_that_name_them_are_synced()
    {
        var sync = new RecordingDiskSync();
        using (var queue = Open(sync))
        {
            // The shard directory is named in the queue directory; the first segment is named in the shard directory.
            Assert.Equal(new[] { "dir " + Path.GetFileName(_directory), "dir shard-0" }, sync.Calls.ToArray());

            Assert.True(queue.TryEnqueue(Request(600), 0));
            Assert.True(queue.TryEnqueue(Request(600), 0));

            // The second record rolls: the first segment's data is flushed, then the new segment's name is synced.
            Assert.Equal(new[] { "file " + First, "dir shard-0" }, sync.Calls.Skip(2).ToArray());
            Assert.True(File.Exists(Path.Combine(_directory, "shard-0", Second)));

            var first = await queue.DequeueAsync(0, CancellationToken.None);
            sync.Calls.Clear();
            queue.Acknowledge(first!);

            // The acknowledged segment is deleted, and its removal synced.
            Assert.Equal(new[] { "dir shard-0" }, sync.Calls.ToArray());
            Assert.False(File.Exists(Path.Combine(_directory, "shard-0", First)));
        }
    }

    // fsync: interval with an interval that never comes, so only sealing a segment flushes it.
    private PersistentRequestQueue Open(DiskSync sync) =>
        new(sync, _directory, new SendingQueueOptions { Storage = "file_storage", Fsync = "interval", FsyncInterval = TimeSpan.FromHours(1) },
            1, Signal.Logs, Telemetry(), NullLogger.Instance, null, 1024);

    private static ExporterTelemetry Telemetry() => new(SelfMetrics.Registry, OtlpSamples.UniqueId("pqdir"));

    private static ExportRequest Request(int bytes) => new(Signal.Logs, 1, new byte[bytes]) { ContentType = "application/x-protobuf" };
}
