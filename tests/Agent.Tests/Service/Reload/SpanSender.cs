using Agent.Exporters.Otlp.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Service.Reload;

/// <summary>
/// An OTLP/gRPC client on one connection that sends one span per call, each with its own name, one call after
/// the other until stopped; every failed call is recorded (and ends the loop), so a test can require that a reload
/// interrupted nothing.
/// </summary>
internal sealed class SpanSender : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _sent = [];
    private readonly Task _loop;

    public SpanSender(int port, string prefix)
    {
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _prefix = prefix;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Why the loop stopped early, if a call failed.</summary>
    public string? Failure { get; private set; }

    /// <summary>The names of the spans the agent accepted, in order.</summary>
    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public static async Task SendOneAsync(int port, string name)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        await new TraceService.TraceServiceClient(channel).ExportAsync(Request(name), deadline: DateTime.UtcNow.AddSeconds(20));
    }

    /// <summary>Waits until <paramref name="more"/> further spans were accepted (or a call failed).</summary>
    public async Task WaitForMoreAsync(int more)
    {
        int target = Sent.Count + more;
        await Eventually.UntilAsync(() => Sent.Count >= target || Failure is not null, $"{more} more spans accepted on {_prefix}");
    }

    /// <summary>Stops after the call in progress; the names accepted.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Assert.True(Failure is null, $"a call on {_prefix} failed: {Failure}");
        return Sent;
    }

    public static ExportTraceServiceRequest Request(string name)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }),
            SpanId = ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }),
            Name = name,
        };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = new(), ScopeSpans = { new ScopeSpans { Spans = { span } } } } } };
    }

    private async Task LoopAsync()
    {
        var client = new TraceService.TraceServiceClient(_channel);
        for (int i = 0; !_stop.IsCancellationRequested; i++)
        {
            string name = $"{_prefix}-{i}";
            try
            {
                await client.ExportAsync(Request(name), deadline: DateTime.UtcNow.AddSeconds(20));
            }
            catch (RpcException ex)
            {
                Failure = $"{name}: {ex.Status}";
                return;
            }

            lock (_sent)
            {
                _sent.Add(name);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _channel.Dispose();
        _stop.Dispose();
    }
}
