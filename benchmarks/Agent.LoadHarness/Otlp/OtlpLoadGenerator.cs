using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// Sends pre-encoded OTLP export requests of one signal to the agent over gRPC, either paced to a rate of items per
/// second or as fast as the agent answers, with a bounded number of requests in flight. The agent answers once its
/// pipeline took the items (with <c>acknowledgements: true</c> only once they are delivered, when a call lasts about
/// the batch timeout plus an export); a full pipeline answers UNAVAILABLE. Only items the agent acknowledged count
/// as sent.
/// </summary>
internal sealed class OtlpLoadGenerator : IAsyncDisposable
{
    private const int CallsPerConnection = 8;

    // A raw-bytes view of the signal's Export method: the payloads are encoded once, up front, and the answer is
    // read only for its count of rejected items.
    private readonly Method<byte[], ItemCount> _export;

    private readonly int _agentPort;
    private readonly List<GrpcChannel> _channels = [];
    private CallInvoker[] _invokers = [];
    private readonly byte[][] _requests;
    private readonly int _itemsPerRequest;
    private readonly CancellationTokenSource _stop = new();
    private SemaphoreSlim? _inFlight;
    private int _concurrency;
    private Task _dispatcher = Task.CompletedTask;
    private long _sentItems;
    private long _refusedItems;
    private long _failedRequests;

    public OtlpLoadGenerator(OtlpSignal signal, int agentPort, byte[][] requests, int itemsPerRequest)
    {
        _export = new Method<byte[], ItemCount>(
            MethodType.Unary,
            signal.Service,
            "Export",
            Marshallers.Create(static bytes => bytes, static bytes => bytes),
            Marshallers.Create(static (ItemCount _) => throw new NotSupportedException("The generator only sends requests."), bytes => new ItemCount(signal.RejectedItems(bytes))));
        _agentPort = agentPort;
        _requests = requests;
        _itemsPerRequest = itemsPerRequest;
    }

    /// <summary>Items the agent acknowledged (minus any it reported as rejected in a partial success).</summary>
    public long SentItems => Interlocked.Read(ref _sentItems);

    /// <summary>Items the agent refused (UNAVAILABLE under backpressure, or rejected in a partial success).</summary>
    public long RefusedItems => Interlocked.Read(ref _refusedItems);

    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>How long the agent took to answer each accepted call.</summary>
    public LatencyRecorder Latencies { get; } = new();

    /// <summary>The status of the last failed call, to tell backpressure from a broken setup.</summary>
    public string? LastError { get; private set; }

    /// <summary>Starts sending with at most <paramref name="concurrency"/> calls in flight, paced when a rate is given.</summary>
    public void Start(int concurrency, double? itemsPerSecond)
    {
        _concurrency = concurrency;

        // Several connections, as several application instances would open: many streams multiplexed on one
        // HTTP/2 connection share its flow-control window and one socket.
        for (int i = 0; i < (concurrency + CallsPerConnection - 1) / CallsPerConnection; i++)
        {
            _channels.Add(GrpcChannel.ForAddress($"http://127.0.0.1:{_agentPort}"));
        }

        _invokers = _channels.Select(c => c.CreateCallInvoker()).ToArray();
        _inFlight = new SemaphoreSlim(concurrency, concurrency);
        _dispatcher = Task.Run(() => DispatchAsync(itemsPerSecond, _stop.Token));
    }

    /// <summary>Stops starting calls and waits for those in flight, so their items are counted.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _dispatcher.ConfigureAwait(false);
        if (_inFlight is not null)
        {
            for (int i = 0; i < _concurrency; i++)
            {
                await _inFlight.WaitAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _inFlight?.Dispose();
        _stop.Dispose();
    }

    private async Task DispatchAsync(double? itemsPerSecond, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        long started = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (itemsPerSecond is double rate)
                {
                    // Pace against the start time rather than sleeping a fixed interval, so a late start is caught up.
                    var wait = TimeSpan.FromSeconds(started * _itemsPerRequest / rate) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, stop).ConfigureAwait(false);
                    }
                }

                await _inFlight!.WaitAsync(stop).ConfigureAwait(false);
                _ = SendAsync(_invokers[started % _invokers.Length], _requests[started % _requests.Length]);
                started++;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync(CallInvoker invoker, byte[] payload)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            var call = invoker.AsyncUnaryCall(_export, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
            long rejected = (await call.ResponseAsync.ConfigureAwait(false)).Items;
            Latencies.Record(started);
            Interlocked.Add(ref _sentItems, _itemsPerRequest - rejected);
            Interlocked.Add(ref _refusedItems, rejected);
        }
        catch (RpcException ex)
        {
            Interlocked.Add(ref _refusedItems, _itemsPerRequest);
            Interlocked.Increment(ref _failedRequests);
            LastError = ex.Status.StatusCode + ": " + ex.Status.Detail;

            // Back off a little, as an OTLP client must on UNAVAILABLE, before this slot is used again.
            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
        finally
        {
            _inFlight!.Release();
        }
    }
}
