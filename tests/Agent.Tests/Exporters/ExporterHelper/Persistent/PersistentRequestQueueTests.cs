using System.Text;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using Agent.Tests.Receivers.PodLogs;
using Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

public sealed class PersistentRequestQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-queue-").FullName;
    private readonly ComponentId _id = OtlpSamples.UniqueId("pq");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Crc32c_matches_the_check_value_of_the_castagnoli_polynomial() =>
        Assert.Equal(0xE3069283u, RecordFrame.Checksum("123456789"u8));

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Each_shard_comes_back_in_order_and_a_restart_resumes_after_the_last_acknowledged_record()
    {
        using (var queue = Open(shards: 2))
        {
            for (byte i = 1; i <= 5; i++)
            {
                Assert.True(queue.TryEnqueue(Request(i), 0));
            }

            Assert.True(queue.TryEnqueue(Request(11), 1));
            Assert.True(queue.TryEnqueue(Request(12), 1));
            var first = await Take(queue, 0);
            var second = await Take(queue, 0);
            Assert.Equal((1, 2), (Tag(first), Tag(second)));
            Assert.Equal(3, Tag(await Take(queue, 0)));
            queue.Acknowledge(first);
            queue.Acknowledge(second);
        }

        using var reopened = Open(shards: 2);

        // 1 and 2 were acknowledged, so they are gone; 3 was taken but never acknowledged: it is sent again.
        Assert.Equal(5, reopened.Count);
        Assert.Equal(new[] { 3, 4, 5 }, await TakeAll(reopened, 0, 3));
        Assert.Equal(new[] { 11, 12 }, await TakeAll(reopened, 1, 2));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Reopening_with_another_shard_count_while_records_wait_warns_and_still_reads_every_shard()
    {
        using (var queue = Open(shards: 3))
        {
            Assert.True(queue.TryEnqueue(Request(1), 0));
            Assert.True(queue.TryEnqueue(Request(2), 2));
        }

        var logger = new ListLoggerProvider().CreateLogger("queue");
        using var reopened = new PersistentRequestQueue(_directory, new SendingQueueOptions { Storage = "file_storage" }, 2, Signal.Logs, new ExporterTelemetry(SelfMetrics.Registry, _id), logger);

        Assert.Contains(ListLoggerProvider.Lines, line => line.Contains($"Sending queue in {_directory} holds records of 3 shards, but now has 2", StringComparison.Ordinal));
        Assert.Equal(new[] { 1, 2 }, await TakeAll(reopened, 0, 2));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_record_acknowledged_behind_one_still_held_is_sent_again_after_a_restart_and_freed_once()
    {
        using (var queue = Open())
        {
            for (byte i = 1; i <= 3; i++)
            {
                queue.TryEnqueue(Request(i), 0);
            }

            var first = await Take(queue, 0);
            var second = await Take(queue, 0);
            queue.Acknowledge(second);
            queue.Acknowledge(second);
            Assert.Equal(2, queue.Size);
            Assert.NotNull(first);
        }

        using var reopened = Open();
        Assert.Equal(new[] { 1, 2, 3 }, await TakeAll(reopened, 0, 3));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("partial header")]
    [InlineData("partial record")]
    [InlineData("bad checksum")]
    public async Task A_torn_tail_is_cut_off_and_counted_and_the_records_before_it_are_kept(string damage)
    {
        using (var queue = Open())
        {
            for (byte i = 1; i <= 3; i++)
            {
                queue.TryEnqueue(Request(i), 0);
            }
        }

        string segment = Segments().Single();
        long record = new FileInfo(segment).Length / 3;
        Damage(segment, damage);

        using var reopened = Open();

        int kept = damage == "bad checksum" ? 2 : 3;
        Assert.Equal(kept, reopened.Count);
        Assert.Equal(Enumerable.Range(1, kept).ToArray(), await TakeAll(reopened, 0, kept));
        Assert.Equal(1, Truncations());
        Assert.Equal(kept * record, new FileInfo(segment).Length);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Drop_oldest_makes_room_by_dropping_the_oldest_records_not_yet_taken_and_counts_them()
    {
        using var queue = Open(options: new SendingQueueOptions { QueueSize = 3, Overflow = "drop_oldest", Storage = "file_storage" }, shards: 2);
        queue.TryEnqueue(Request(1, items: 4), 0);
        queue.TryEnqueue(Request(2, items: 5), 1);
        queue.TryEnqueue(Request(3), 0);
        Assert.True(queue.TryEnqueue(Request(4), 1));
        Assert.True(queue.TryEnqueue(Request(5), 0));

        Assert.Equal(3, queue.Count);
        Assert.Equal(9, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Logs, "queue_overflow"));
        Assert.Equal(new[] { 3, 5 }, await TakeAll(queue, 0, 2));
        Assert.Equal(new[] { 4 }, await TakeAll(queue, 1, 1));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_byte_bound_is_honoured_and_a_blocked_producer_goes_on_once_a_record_is_acknowledged()
    {
        using var queue = Open(options: new SendingQueueOptions { QueueSize = 1000, MaxSizeMib = 1, Storage = "file_storage" });
        int body = 300 * 1024;
        for (byte i = 1; i <= 3; i++)
        {
            Assert.True(queue.TryEnqueue(Request(i, bytes: body), 0));
        }

        Assert.False(queue.TryEnqueue(Request(4, bytes: body), 0));
        Assert.True(queue.Bytes <= 1024 * 1024);
        var waiting = queue.EnqueueAsync(Request(4, bytes: body), 0, CancellationToken.None).AsTask();

        // Taking a record frees nothing: it is still on disk until the exporter is done with it.
        var first = await Take(queue, 0);
        Assert.False(waiting.IsCompleted);
        queue.Acknowledge(first);
        await waiting;
        Assert.Equal(new[] { 2, 3, 4 }, await TakeAll(queue, 0, 3));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Draining_deletes_acknowledged_segments_so_the_directory_shrinks()
    {
        using var queue = Open(segmentBytes: 4096);
        for (int i = 0; i < 40; i++)
        {
            queue.TryEnqueue(Request((byte)i, bytes: 1000), 0);
        }

        long full = DirectoryBytes();
        Assert.True(full >= 40 * 1000, $"{full} bytes on disk");
        Assert.True(Segments().Length >= 10);

        long halfway = 0;
        for (int i = 0; i < 40; i++)
        {
            queue.Acknowledge(await Take(queue, 0));
            if (i == 19)
            {
                halfway = DirectoryBytes();
            }
        }

        long drained = DirectoryBytes();
        Assert.True(halfway < full * 6 / 10, $"{halfway} of {full} bytes left halfway");
        Assert.True(drained <= 4096 + 20, $"{drained} bytes left after draining");
        Assert.Equal(0, queue.Bytes);
        Assert.Equal(drained, queue.DiskBytes + new FileInfo(Path.Combine(_directory, "shard-0", "ack")).Length);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Every_field_of_a_request_survives_the_round_trip_through_disk()
    {
        using (var queue = Open())
        {
            var request = ExportRequest.Pooled(Signal.Logs, 7, "body bytes"u8, "application/x-protobuf", tenant: "team-a", partitionKey: 42);
            Assert.True(queue.TryEnqueue(request, 0));
        }

        using var reopened = Open();
        var back = await Take(reopened, 0);
        Assert.Equal((Signal.Logs, 7, "application/x-protobuf", "team-a", (ulong?)42), (back.Signal, back.Items, back.ContentType, back.Tenant, back.PartitionKey));
        Assert.Equal("body bytes", Encoding.UTF8.GetString(back.Body.Span));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Once_a_full_disk_was_drained_a_segment_that_never_filled_gives_its_space_back()
    {
        // Segments of 8 MiB on a 1 MiB disk: neither shard's segment ever fills, so none starts a new one.
        using var disk = SmallDisk.Mount(Path.Combine(_directory, "disk"), sizeMib: 1);
        using var queue = new PersistentRequestQueue(
            disk.Path, new SendingQueueOptions { Storage = "file_storage" }, 2, Signal.Logs, new ExporterTelemetry(SelfMetrics.Registry, _id), NullLogger.Instance, segmentBytes: 8 * 1024 * 1024);
        int queued = 0;
        while (true)
        {
            try
            {
                Assert.True(queue.TryEnqueue(Request((byte)queued, bytes: 64 * 1024), queued % 2));
                queued++;
            }
            catch (IOException)
            {
                break; // the disk is full
            }

            Assert.True(queued < 64, "a 1 MiB disk took 4 MiB");
        }

        // Everything held is delivered: what is on the disk now is delivered records only.
        for (int i = 0; i < queued; i++)
        {
            queue.Acknowledge(await Take(queue, i % 2));
        }

        Assert.True(queue.TryEnqueue(Request(200, bytes: 64 * 1024), 0));
        Assert.True(queue.TryEnqueue(Request(201, bytes: 64 * 1024), 1));
        Assert.Equal(200, Tag(await Take(queue, 0)));
        Assert.Equal(201, Tag(await Take(queue, 1)));
        Assert.True(queued >= 8, $"only {queued} records of 64 KiB fitted on the 1 MiB disk");
        Assert.True(queue.DiskBytes < 256 * 1024, $"{queue.DiskBytes} bytes of segments left on the disk");
    }

    private PersistentRequestQueue Open(int shards = 1, SendingQueueOptions? options = null, long? segmentBytes = null) =>
        new(_directory, options ?? new SendingQueueOptions { Storage = "file_storage" }, shards, Signal.Logs,
            new ExporterTelemetry(SelfMetrics.Registry, _id), NullLogger.Instance, segmentBytes: segmentBytes);

    private static ExportRequest Request(byte tag, int items = 1, int bytes = 16)
    {
        var body = new byte[bytes];
        Array.Fill(body, tag);
        return new ExportRequest(Signal.Logs, items, body) { ContentType = "application/test" };
    }

    private static int Tag(ExportRequest request) => request.Body.Span[0];

    private static async Task<ExportRequest> Take(PersistentRequestQueue queue, int shard) =>
        await queue.DequeueAsync(shard, CancellationToken.None) ?? throw new InvalidOperationException("the queue is shut");

    private static async Task<int[]> TakeAll(PersistentRequestQueue queue, int shard, int count)
    {
        var tags = new int[count];
        for (int i = 0; i < count; i++)
        {
            tags[i] = Tag(await Take(queue, shard));
        }

        return tags;
    }

    private string[] Segments() =>
        Directory.GetFiles(_directory, "*.seg", SearchOption.AllDirectories).Where(path => new FileInfo(path).Length > 0).Order().ToArray();

    private long DirectoryBytes() =>
        Directory.GetFiles(_directory, "*", SearchOption.AllDirectories).Sum(path => new FileInfo(path).Length);

    private double Truncations() =>
        SelfMetrics.Value("agent_exporter_queue_truncations_total", ("exporter", _id.ToString()), ("data_type", "logs"));

    private static void Damage(string segment, string damage)
    {
        using var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite);
        switch (damage)
        {
            case "partial header":
                file.Seek(0, SeekOrigin.End);
                file.Write([0x20, 0, 0, 0, 0x11, 0x22]);
                break;
            case "partial record":
                // A whole header that announces 100 bytes, followed by only 10 of them.
                file.Seek(0, SeekOrigin.End);
                file.Write([100, 0, 0, 0, 1, 2, 3, 4, 9, 0, 0, 0, 0, 0, 0, 0]);
                file.Write(new byte[10]);
                break;
            default:
                // One flipped bit in the last byte of the last record's body.
                file.Seek(-1, SeekOrigin.End);
                int last = file.ReadByte();
                file.Seek(-1, SeekOrigin.End);
                file.WriteByte((byte)(last ^ 1));
                break;
        }
    }
}
