using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Extensions.FileStorage;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary><c>remote_write_queue.storage</c>: the encoded requests wait on disk and are sent, in order, after a restart.</summary>
public sealed class RemoteWritePersistentQueueTests : IDisposable
{
    private const int Batches = 12;
    private const int SeriesPerBatch = 6;
    private const long StaleNaN = 0x7ff0000000000002;

    private readonly string _directory = Directory.CreateTempSubdirectory("agent-rw-queue-").FullName;
    private readonly ComponentId _id = new("prometheusremotewrite", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Batches_count_as_delivered_once_on_disk_in_the_storage_directory_and_arrive_in_order_after_a_restart()
    {
        await using var down = await FakeRemoteWrite.StartAsync();
        down.FailNext(1_000_000, 503);
        var first = await StartAsync(down.WriteUri);
        var start = DateTimeOffset.UtcNow;

        // With the backend down, each batch is delivered for its sources as soon as it is in the queue on disk.
        for (int i = 0; i < Batches; i++)
        {
            var points = Enumerable.Range(0, SeriesPerBatch).Select(s => Point(i, start.AddMilliseconds(i), Attr("s", $"{s}"))).ToArray();
            Assert.Equal(DeliveryStatus.Delivered, await SendAsync(first, Batch(ServiceResource("api"), Gauge("g", "", points))));
        }

        string queue = Path.Combine(_directory, $"exporter_prometheusremotewrite_{_id.Name}", "metrics");
        var segments = Directory.GetFiles(queue, "*.seg", SearchOption.AllDirectories);
        Assert.Equal(3, Directory.GetDirectories(queue, "shard-*").Length);
        Assert.Contains(segments, segment => new FileInfo(segment).Length > 0);
        await first.ShutdownAsync(CancellationToken.None);
        Assert.DoesNotContain(down.Writes, write => write.Status == 204);

        // The next run sends what the first left: every sample, in order per series, then the first run's markers.
        await using var up = await FakeRemoteWrite.StartAsync();
        var second = await StartAsync(up.WriteUri);
        await Eventually.UntilAsync(
            () => up.Series.Count(s => NameOf(s) == "g" && s.Samples.Any(sample => BitConverter.DoubleToInt64Bits(sample.Value) == StaleNaN)) == SeriesPerBatch,
            "every series' samples and its staleness marker from the first run");
        foreach (var series in up.Series.Where(s => NameOf(s) == "g").GroupBy(s => LabelsOf(s)["s"]))
        {
            var samples = series.SelectMany(s => s.Samples).ToList();
            Assert.Equal(Enumerable.Range(0, Batches).Select(i => (double)i), samples.SkipLast(1).Select(sample => sample.Value));
            Assert.Equal(StaleNaN, BitConverter.DoubleToInt64Bits(samples[^1].Value));
            Assert.True(samples.Zip(samples.Skip(1)).All(pair => pair.First.Timestamp < pair.Second.Timestamp));
        }

        await second.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_storage_that_is_not_a_storage_extension_is_named_under_remote_write_queue()
    {
        var options = Options(new Uri("http://127.0.0.1:9/api/v1/write"));
        options.RemoteWriteQueue.Storage = "file_storage/missing";
        var exporter = new PrometheusRemoteWriteExporter(new TestHost().Context(_id, options), options);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => exporter.StartAsync(CancellationToken.None));

        Assert.Contains("remote_write_queue.storage \"file_storage/missing\" names no configured storage extension", error.Message, StringComparison.Ordinal);
    }

    private async Task<PrometheusRemoteWriteExporter> StartAsync(Uri endpoint)
    {
        var host = new TestHost();
        var storage = new ComponentId("file_storage");
        host.AddExtension(storage, new FileStorageFactory().CreateExtension(new ComponentContext(
            storage, new FileStorageOptions { Directory = _directory, CreateDirectory = true }, host)));
        var options = Options(endpoint);
        options.RemoteWriteQueue.NumConsumers = 3;
        options.RemoteWriteQueue.Storage = "file_storage";
        options.RetryOnFailure.MaxElapsedTime = TimeSpan.Zero;
        var exporter = new PrometheusRemoteWriteExporter(host.Context(_id, options), options);
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }
}
