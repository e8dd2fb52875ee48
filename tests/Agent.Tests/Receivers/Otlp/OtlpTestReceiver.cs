using System.Net;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.Otlp;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>A started <c>otlp</c> receiver on free loopback ports, with recording consumers for the wired signals.</summary>
internal sealed class OtlpTestReceiver : IAsyncDisposable
{
    private bool _stopped;

    private OtlpTestReceiver(string name)
    {
        Name = name;
    }

    public OtlpReceiver Receiver { get; private set; } = null!;

    /// <summary>The receiver's id, unique per test so self-metrics can be read without interference.</summary>
    public string Name { get; }

    public RecordingConsumer<TracesBatch> Traces { get; } = new();

    public RecordingConsumer<MetricsBatch> Metrics { get; } = new();

    public RecordingConsumer<LogsBatch> Logs { get; } = new();

    public Uri GrpcAddress => AddressOf(Receiver.GrpcEndPoints[0]);

    public Uri HttpAddress => AddressOf(Receiver.HttpEndPoints[0]);

    /// <summary>The gRPC address over TLS (<c>tls</c> set on the protocol).</summary>
    public Uri GrpcsAddress => new($"https://{Receiver.GrpcEndPoints[0]}");

    /// <summary>The HTTP address over TLS.</summary>
    public Uri HttpsAddress => new($"https://{Receiver.HttpEndPoints[0]}");

    /// <summary>The receiver answers only once the data was delivered (<c>acknowledgements: true</c>).</summary>
    public static void AnswerOnDelivery(OtlpReceiverOptions options) => options.Acknowledgements = true;

    public static async Task<OtlpTestReceiver> StartAsync(
        Action<OtlpReceiverOptions>? configure = null,
        bool traces = true,
        bool metrics = true,
        bool logs = true,
        ReceiverConsumers? consumers = null,
        TestHost? host = null)
    {
        var options = new OtlpReceiverOptions();
        options.Protocols.Grpc!.Endpoint = "127.0.0.1:0";
        options.Protocols.Http!.Endpoint = "127.0.0.1:0";
        configure?.Invoke(options);

        var id = new ComponentId("otlp", Guid.NewGuid().ToString("N"));
        var test = new OtlpTestReceiver(id.ToString());
        consumers ??= new ReceiverConsumers(traces ? test.Traces : null, metrics ? test.Metrics : null, logs ? test.Logs : null);
        var component = new OtlpReceiverFactory().CreateReceiver(new ComponentContext(id, options, host ?? new TestHost()), consumers);
        test.Receiver = Assert.IsType<OtlpReceiver>(component);
        await component.StartAsync(CancellationToken.None);
        return test;
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        await Receiver.ShutdownAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ShutdownAsync(deadline.Token);
        }
    }

    private static Uri AddressOf(IPEndPoint endPoint) => new($"http://{endPoint}");
}
