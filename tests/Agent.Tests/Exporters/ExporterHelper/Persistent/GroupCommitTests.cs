using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

public sealed class GroupCommitTests : IDisposable
{
    private const string Segment = "00000000000000000001.seg";
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-queue-group-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Concurrent_appenders_share_flushes_and_each_returns_only_once_its_record_is_flushed()
    {
        const int Appenders = 16;
        var sync = new RecordingDiskSync();
        using var queue = Open(sync, shards: 1);
        int returned = 0;
        int returnedDuringFirstFlush = -1;
        int first = 0;

        // The first flush is held open until every appender has appended: they all queue up behind it.
        sync.DuringFileFlush = () =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                Assert.True(SpinWait.SpinUntil(() => queue.Count == Appenders, TimeSpan.FromSeconds(20)));
                returnedDuringFirstFlush = Volatile.Read(ref returned);
            }
        };

        var covered = new long[Appenders];
        var appenders = Enumerable.Range(0, Appenders).Select(i => Task.Factory.StartNew(() =>
        {
            Assert.True(queue.TryEnqueue(Request((byte)i), 0));
            covered[i] = sync.Covered.GetValueOrDefault(Segment);
            Interlocked.Increment(ref returned);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(appenders);

        Assert.Equal(0, returnedDuringFirstFlush);
        Assert.InRange(sync.FileFlushes, 1, Appenders / 4);

        // Each record ends where its unique body ends in the file; the flushes seen at its return covered it.
        byte[] file = await File.ReadAllBytesAsync(Path.Combine(_directory, "shard-0", Segment));
        for (int i = 0; i < Appenders; i++)
        {
            int end = file.AsSpan().IndexOf(Body((byte)i)) + Body((byte)i).Length;
            Assert.True(end > 0 && covered[i] >= end, $"appender {i} returned with {covered[i]} bytes flushed, its record ends at {end}");
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Appenders_on_different_shards_at_once_keep_each_shards_order()
    {
        const int PerShard = 40;
        var sync = new RecordingDiskSync();
        using var queue = Open(sync, shards: 2);
        var appenders = Enumerable.Range(0, 2).Select(shard => Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < PerShard; i++)
            {
                Assert.True(queue.TryEnqueue(Request((byte)i), shard));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(appenders);

        for (int shard = 0; shard < 2; shard++)
        {
            for (int i = 0; i < PerShard; i++)
            {
                var request = await queue.DequeueAsync(shard, CancellationToken.None);
                Assert.Equal(i, request!.Body.Span[0]);
            }
        }
    }

    private PersistentRequestQueue Open(DiskSync sync, int shards) =>
        new(sync, _directory, new SendingQueueOptions { Storage = "file_storage", Fsync = "always" }, shards, Signal.Logs,
            new ExporterTelemetry(SelfMetrics.Registry, OtlpSamples.UniqueId("pqgroup")), NullLogger.Instance, null, null);

    private static byte[] Body(byte tag) => [tag, .. "unique record body "u8, tag, (byte)(tag ^ 0x5A)];

    private static ExportRequest Request(byte tag) => new(Signal.Logs, 1, Body(tag)) { ContentType = "application/x-protobuf" };
}
