using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.ExporterHelper.Persistent;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Benchmarks.Exporters;

/// <summary>
/// Appending to the persistent sending queue on the machine's disk, per record: a record is one encoded request of
/// 16 KiB (a compressed Loki push of a few hundred lines). Each invocation appends 2,048 records (32 MiB); the
/// queue is drained (taken and acknowledged, outside the measurement) after each iteration, so segments are
/// deleted as in a steady state. The <c>interval</c> policy's timer is the real one (1 s).
/// </summary>
[MemoryDiagnoser]
public class PersistentQueueAppendBenchmarks
{
    public const int Records = 2048;
    public const int BodyBytes = 16 * 1024;

    private readonly byte[] _body = new byte[BodyBytes];
    private string _directory = null!;
    private PersistentRequestQueue _queue = null!;

    [Params("never", "interval", "always")]
    public string Fsync { get; set; } = "interval";

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_body);
        _directory = Directory.CreateTempSubdirectory("agent-queue-bench-").FullName;
        var options = new SendingQueueOptions { Storage = "file_storage", Fsync = Fsync, QueueSize = 100_000, MaxSizeMib = 1024 };
        var telemetry = new ExporterTelemetry(new BenchmarkHost().Telemetry, new ComponentId("bench"));
        _queue = new PersistentRequestQueue(_directory, options, 1, Signal.Logs, telemetry, NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _queue.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public void Append()
    {
        for (int i = 0; i < Records; i++)
        {
            _queue.TryEnqueue(new ExportRequest(Signal.Logs, 100, _body) { ContentType = "application/x-protobuf" }, 0);
        }
    }

    [IterationCleanup]
    public void Drain()
    {
        while (_queue.Count > 0)
        {
            var request = _queue.DequeueAsync(0, CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
            _queue.Acknowledge(request);
        }
    }
}
