using System.Buffers;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.PodLogs;

/// <summary>
/// The tailer's loop over a file of 188-byte CRI lines (in the page cache): read into a pooled buffer, split,
/// parse, copy into a chunk, find fields; a full chunk is handed off (here: emptied for reuse). Results are per
/// line. <see cref="Receiver"/> runs the real receiver over the same file into a consumer that acknowledges at once,
/// so it also pays for batches, notifiers and checkpoints.
/// </summary>
[MemoryDiagnoser]
public class TailLoopBenchmarks
{
    private const int Lines = 200_000;
    private const int ChunkBytes = 128 * 1024;

    private string _directory = string.Empty;
    private string _file = string.Empty;
    private SafeFileHandle _handle = null!;
    private byte[] _buffer = [];
    private RawLogChunk _chunk = null!;
    private LineDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "agent-bench-podlogs-" + Guid.NewGuid().ToString("N"));
        string podDirectory = Path.Combine(_directory, "pods", "bench_app-1_0000-1111", "app");
        Directory.CreateDirectory(podDirectory);
        _file = Path.Combine(podDirectory, "0.log");
        File.WriteAllBytes(_file, PodLogLines.Block(PodLogLines.Cri, Lines));
        _handle = File.OpenHandle(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _buffer = ArrayPool<byte>.Shared.Rent(TailerSettings.ReadBufferSize);
        _chunk = new RawLogChunk(new Resource(), ChunkBytes, ChunkBytes / 128);
        _decoder = new LineDecoder(LogFormat.Auto, 1 << 20, new FieldExtractor(new ExtractOptions()), new BenchmarkHost().Context().ReceiverTelemetry());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _handle.Dispose();
        _chunk.Dispose();
        _decoder.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int ReadSplitParseChunk()
    {
        _decoder.Reset(TailPosition.Start);
        long offset = 0;
        int buffered = 0;
        int records = 0;
        _chunk.Reset();
        while (true)
        {
            int read = RandomAccess.Read(_handle, _buffer.AsSpan(buffered), offset);
            if (read == 0)
            {
                break;
            }

            offset += read;
            buffered += read;
            int used = _decoder.Decode(_buffer.AsSpan(0, buffered), _chunk, 0);
            _buffer.AsSpan(used, buffered - used).CopyTo(_buffer);
            buffered -= used;
            if (_chunk.Length >= ChunkBytes - TailerSettings.ReadBufferSize)
            {
                records += _chunk.Count;
                _chunk.Reset();
            }
        }

        return records + _chunk.Count;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public async Task<int> Receiver()
    {
        var consumer = new CountingConsumer(Lines);
        var options = new PodLogsReceiverOptions
        {
            Include = [_directory + "/pods/*/*/*.log"],
            StartAt = StartAt.Beginning,
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        var host = new BenchmarkHost(Path.Combine(_directory, "data-" + Guid.NewGuid().ToString("N")));
        var receiver = new PodLogsReceiver(new ComponentContext(new ComponentId("filelog"), options, host), consumer);
        await receiver.StartAsync(CancellationToken.None);
        await consumer.All;
        await receiver.ShutdownAsync(CancellationToken.None);
        return Lines;
    }

    private sealed class CountingConsumer(int expected) : IConsumer<LogsBatch>
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task All => _all.Task;

        public bool MutatesData => false;

        public ValueTask ConsumeAsync(LogsBatch batch, CancellationToken cancellationToken)
        {
            int count = batch.ItemCount;
            batch.Complete(DeliveryStatus.Delivered);
            if (Interlocked.Add(ref _count, count) >= expected)
            {
                _all.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
