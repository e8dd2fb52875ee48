using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.LoadHarness.Traces;

/// <summary>
/// Sends pre-encoded OTLP trace requests to the agent over gRPC from several concurrent senders, either paced to a
/// total rate of spans per second or as fast as the agent answers. Only spans the agent acknowledged count as sent.
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

    private readonly GrpcChannel _channel;
    private readonly byte[][] _requests;
    private readonly int _spansPerRequest;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _senders = [];
    private long _sentSpans;
    private long _refusedSpans;
    private long _failedRequests;

    public TraceLoadGenerator(int agentPort, byte[][] requests, int spansPerRequest)
    {
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{agentPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
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

    /// <summary>Starts <paramref name="senders"/> senders sharing <paramref name="spansPerSecond"/>, or unpaced when null.</summary>
    public void Start(int senders, double? spansPerSecond)
    {
        for (int i = 0; i < senders; i++)
        {
            double? share = spansPerSecond / senders;
            int first = i * _requests.Length / senders;
            _senders.Add(Task.Run(() => SendAsync(first, share, _stop.Token)));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_senders).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _channel.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(int next, double? spansPerSecond, CancellationToken stop)
    {
        var invoker = _channel.CreateCallInvoker();
        var clock = Stopwatch.StartNew();
        long requestsSent = 0;
        while (!stop.IsCancellationRequested)
        {
            if (spansPerSecond is double rate)
            {
                // Pace against the start time rather than sleeping a fixed interval, so slow calls are caught up.
                var due = TimeSpan.FromSeconds(requestsSent * _spansPerRequest / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero && !await DelayAsync(wait, stop).ConfigureAwait(false))
                {
                    return;
                }
            }

            byte[] payload = _requests[next];
            next = (next + 1) % _requests.Length;
            requestsSent++;
            try
            {
                var response = await invoker.AsyncUnaryCall(Export, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), payload).ResponseAsync.ConfigureAwait(false);
                long rejected = response.PartialSuccess?.RejectedSpans ?? 0;
                Interlocked.Add(ref _sentSpans, _spansPerRequest - rejected);
                Interlocked.Add(ref _refusedSpans, rejected);
            }
            catch (RpcException ex)
            {
                Interlocked.Add(ref _refusedSpans, _spansPerRequest);
                Interlocked.Increment(ref _failedRequests);
                LastError = ex.Status.StatusCode + ": " + ex.Status.Detail;

                // Back off a little, as an OTLP client must on UNAVAILABLE.
                if (!await DelayAsync(TimeSpan.FromMilliseconds(5), stop).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan wait, CancellationToken stop)
    {
        try
        {
            await Task.Delay(wait, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
