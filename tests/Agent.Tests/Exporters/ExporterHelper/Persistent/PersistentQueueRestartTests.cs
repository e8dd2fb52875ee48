using System.Net;
using System.Net.Sockets;
using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Extensions.FileStorage;
using Agent.Tests.Exporters.Loki;
using Agent.Tests.Fakes;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.ExporterHelper.Persistent;

/// <summary>An exporter whose backend is down keeps what it accepted on disk, across a stop and a start, until the backend is back.</summary>
public sealed class PersistentQueueRestartTests : IDisposable
{
    private static readonly ComponentId StorageId = new("file_storage", "queue");
    private readonly string _root = Directory.CreateTempSubdirectory("agent-queue-restart-").FullName;
    private readonly ComponentId _id = new("loki", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Batches_accepted_while_the_backend_is_down_arrive_once_after_a_restart()
    {
        // Run 1: nothing listens at the endpoint. Every batch is still accepted, once it is on disk.
        var lines = Enumerable.Range(0, 20).Select(i => $"line {i}").ToList();
        var down = await StartAsync(new Uri($"http://127.0.0.1:{ClosedPort()}/"));
        for (int i = 0; i < lines.Count; i += 4)
        {
            Assert.Equal(DeliveryStatus.Delivered, await SendAsync(down, Batch(lines.Skip(i).Take(4))));
        }

        await down.ShutdownAsync(CancellationToken.None);
        Assert.Equal(0, SelfMetrics.SentValue(_id.ToString(), Signal.Logs));
        Assert.Equal(0, SelfMetrics.SendFailedValue(_id.ToString(), Signal.Logs, "shutdown"));
        long queued = QueueBytes();
        Assert.True(queued > 0);

        // Run 2, on the same directory: the backend is up and receives every line exactly once.
        await using var loki = await FakeLoki.StartAsync();
        var up = await StartAsync(loki.BaseUri);
        var received = await Eventually.ReadUntilAsync(() => Task.FromResult(loki.Entries.Select(e => e.Line).ToList()), got => got.Count >= lines.Count, "every queued line at Loki");
        await Eventually.UntilAsync(() => SelfMetrics.SentValue(_id.ToString(), Signal.Logs) == lines.Count, "every line counted sent");
        await up.ShutdownAsync(CancellationToken.None);

        Assert.Equal(lines.Order(), received.Order());
        Assert.True(QueueBytes() < queued, $"{QueueBytes()} bytes left of {queued}");
    }

    private async Task<LokiExporter> StartAsync(Uri endpoint)
    {
        var host = new TestHost();
        host.AddExtension(StorageId, new FileStorageExtension(_root, createIfMissing: true));
        var options = new LokiExporterOptions
        {
            Endpoint = endpoint.ToString(),
            RetryOnFailure = { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20), MaxElapsedTime = TimeSpan.Zero },
            SendingQueue = { NumConsumers = 2, Storage = StorageId.ToString(), Fsync = "always" },
        };
        var exporter = (LokiExporter)new LokiExporterFactory().CreateExporter(new ComponentContext(_id, options, host), new HashSet<Signal> { Signal.Logs });
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }

    private static LogsBatch Batch(IEnumerable<string> lines)
    {
        var batch = new LogsBatch();
        batch.Raw.Add(Chunk(PodResource(), lines.Select((line, i) => new RawLine(BaseTime + i, line)).ToArray()));
        return batch;
    }

    private long QueueBytes() =>
        Directory.GetFiles(_root, "*.seg", SearchOption.AllDirectories).Sum(path => new FileInfo(path).Length);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
