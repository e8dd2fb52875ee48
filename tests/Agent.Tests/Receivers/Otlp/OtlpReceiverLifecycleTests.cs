using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.Otlp;
using Agent.Service;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using static Agent.Tests.Receivers.Otlp.OtlpHttpTests;

namespace Agent.Tests.Receivers.Otlp;

public class OtlpReceiverLifecycleTests
{
    [Fact]
    public void Factory_is_registered_as_the_otlp_receiver_for_all_signals()
    {
        var factory = Assert.Single(BuiltInComponents.Receivers, f => f.Type == "otlp");

        Assert.IsType<OtlpReceiverFactory>(factory);
        Assert.Equal([Signal.Traces, Signal.Metrics, Signal.Logs], factory.Signals);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_lets_an_in_flight_request_finish_then_stops_listening()
    {
        var otlp = await OtlpTestReceiver.StartAsync();
        otlp.Traces.Hold = true;
        var endpoint = otlp.Receiver.HttpEndPoints[0];
        var request = PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");
        await otlp.Traces.FirstBatch;

        var shutdown = otlp.ShutdownAsync();
        Assert.False(shutdown.IsCompleted);
        otlp.Traces.ReleaseHeld();
        using var response = await request;
        await shutdown;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await AcceptsConnectionsAsync(endpoint));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Requests_still_waiting_at_the_drain_deadline_are_not_left_hanging()
    {
        var otlp = await OtlpTestReceiver.StartAsync(OtlpTestReceiver.AnswerOnDelivery);
        otlp.Traces.Hold = true;
        var request = PostAsync(otlp, "/v1/traces", OtlpSamples.Traces().ToByteArray(), "application/x-protobuf");
        await otlp.Traces.FirstBatch;

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await otlp.ShutdownAsync(deadline.Token);

        // Either the 503 went out before the connection was closed, or the client saw the connection close: both
        // tell it to retry. What must not happen is a request that never ends.
        try
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        catch (HttpRequestException)
        {
        }

        otlp.Traces.ReleaseHeld();
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Only_the_configured_protocols_listen()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Grpc = null);

        Assert.Empty(otlp.Receiver.GrpcEndPoints);
        Assert.Single(otlp.Receiver.HttpEndPoints);
        await AssertStillServesAsync(otlp);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Empty_host_listens_on_every_interface()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(o => o.Protocols.Http!.Endpoint = ":0");

        var bound = Assert.Single(otlp.Receiver.HttpEndPoints);
        Assert.True(bound.Address.Equals(IPAddress.IPv6Any) || bound.Address.Equals(IPAddress.Any));
        Assert.True(await AcceptsConnectionsAsync(new IPEndPoint(IPAddress.Loopback, bound.Port)));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_port_already_taken_fails_the_start_and_leaves_nothing_listening()
    {
        await using var first = await OtlpTestReceiver.StartAsync();
        int taken = first.Receiver.HttpEndPoints[0].Port;
        var options = new OtlpReceiverOptions();
        options.Protocols.Grpc!.Endpoint = "127.0.0.1:0";
        options.Protocols.Http!.Endpoint = $"127.0.0.1:{taken}";
        var second = (OtlpReceiver)new OtlpReceiverFactory().CreateReceiver(
            new ComponentContext(new ComponentId("otlp", "second"), options, new TestHost()),
            new ReceiverConsumers(new RecordingConsumer<TracesBatch>(), null, null));

        await Assert.ThrowsAnyAsync<IOException>(() => second.StartAsync(CancellationToken.None));

        Assert.False(await AcceptsConnectionsAsync(second.GrpcEndPoints[0]));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Kestrel_informational_logs_stay_quiet_while_the_receiver_reports_where_it_listens()
    {
        var records = new ConcurrentQueue<(string Category, LogLevel Level)>();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new RecordingProvider(records)));
        var options = new OtlpReceiverOptions();
        options.Protocols.Grpc!.Endpoint = "127.0.0.1:0";
        options.Protocols.Http!.Endpoint = "127.0.0.1:0";
        var receiver = (OtlpReceiver)new OtlpReceiverFactory().CreateReceiver(
            new ComponentContext(new ComponentId("otlp", "logs"), options, new TestHost(loggers)),
            new ReceiverConsumers(new RecordingConsumer<TracesBatch>(), null, null));

        await receiver.StartAsync(CancellationToken.None);
        using (var client = new HttpClient())
        {
            using var response = await client.PostAsync(new Uri($"http://{receiver.HttpEndPoints[0]}/v1/traces"), new ByteArrayContent([]));
        }

        await receiver.ShutdownAsync(CancellationToken.None);

        Assert.Contains(records, r => r.Category.StartsWith("Agent.Receivers.Otlp", StringComparison.Ordinal) && r.Level == LogLevel.Information);
        Assert.DoesNotContain(records, r => (r.Category.StartsWith("Microsoft", StringComparison.Ordinal) || r.Category.StartsWith("Grpc", StringComparison.Ordinal)) && r.Level < LogLevel.Warning);
    }

    private static async Task<bool> AcceptsConnectionsAsync(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class RecordingProvider(ConcurrentQueue<(string, LogLevel)> records) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, records);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentQueue<(string, LogLevel)> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                records.Enqueue((category, logLevel));
        }
    }
}
