using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.LoadHarness.Traces;

/// <summary>
/// Sends pre-encoded OTLP trace requests to the agent over gRPC, either paced to a rate of spans per second or as
/// fast as the agent answers, with a bounded number of requests in flight. The agent answers once its pipeline took
/// the spans (with <c>acknowledgements: true</c> only once they are delivered, when a call lasts about the batch
/// timeout plus an export); a full pipeline answers UNAVAILABLE. Only spans the agent acknowledged count as sent.
/// </summary>
internal sealed class TraceLoadGenerator : IAsyncDisposable
{
    // A raw-bytes view of TraceService/Export: the payloads are encoded once, up front.
    private static readonly Method<byte[], ExportTraceServiceResponse> Export = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(response => response.ToByteArray(), ExportTraceServiceResponse.Parser.ParseFrom));

    private const int CallsPerConnection = 8;

    private readonly int _agentPort;
    private readonly List<GrpcChannel> _channels = [];
    private CallInvoker[] _invokers = [];
    private readonly byte[][] _requests;
    private readonly int _spansPerRequest;
    private readonly CancellationTokenSource _stop = new();
    private SemaphoreSlim? _inFlight;
    private int _concurrency;
    private Task _dispatcher = Task.CompletedTask;
    private long _sentSpans;
    private long _refusedSpans;
    private long _failedRequests;

    public TraceLoadGenerator(int agentPort, byte[][] requests, int spansPerRequest)
    {
        _agentPort = agentPort;
        _requests = requests;
        _spansPerRequest = spansPerRequest;
    }

    /// <summary>Spans the agent acknowledged (minus any it reported as rejected in a partial success).</summary>
    public long SentSpans => Interlocked.Read(ref _sentSpans);

    /// <summary>Spans the agent refused (UNAVAILABLE under backpressure, or rejected in a partial success).</summary>
    public long RefusedSpans => Interlocked.Read(ref _refusedSpans);

    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>The status of the last failed call, to tell backpressure from a broken setup.</summary>
    public string? LastError { get; private set; }

    /// <summary>Starts sending with at most <paramref name="concurrency"/> calls in flight, paced when a rate is given.</summary>
    public void Start(int concurrency, double? spansPerSecond)
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
        _dispatcher = Task.Run(() => DispatchAsync(spansPerSecond, _stop.Token));
    }

    /// <summary>Stops starting calls and waits for those in flight, so their spans are counted.</summary>
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

    private async Task DispatchAsync(double? spansPerSecond, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        long started = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (spansPerSecond is double rate)
                {
                    // Pace against the start time rather than sleeping a fixed interval, so a late start is caught up.
                    var wait = TimeSpan.FromSeconds(started * _spansPerRequest / rate) - clock.Elapsed;
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
        try
        {
            var call = invoker.AsyncUnaryCall(Export, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), payload);
            var response = await call.ResponseAsync.ConfigureAwait(false);
            long rejected = response.PartialSuccess?.RejectedSpans ?? 0;
            Interlocked.Add(ref _sentSpans, _spansPerRequest - rejected);
            Interlocked.Add(ref _refusedSpans, rejected);
        }
        catch (RpcException ex)
        {
            Interlocked.Add(ref _refusedSpans, _spansPerRequest);
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
