using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.Otlp;
using Agent.Exporters.OtlpHttp;
using Agent.Tests.Fakes;
using Grpc.Core;

namespace Agent.Tests.Exporters.OtlpShared;

/// <summary>
/// The <c>otlp</c> (gRPC) or <c>otlphttp</c> exporter against a <see cref="FakeOtlpBackend"/>, with the failures
/// each transport speaks, so one suite covers what both promise.
/// </summary>
internal static class OtlpExporterUnderTest
{
    public static readonly IReadOnlySet<Signal> AllSignals = new HashSet<Signal> { Signal.Traces, Signal.Metrics, Signal.Logs };

    public static TheoryData<FakeOtlpTransport> Transports => new() { FakeOtlpTransport.Grpc, FakeOtlpTransport.Http };

    /// <summary>Where the exporter points for a backend on <paramref name="port"/>: the Collector's shapes (host:port for gRPC).</summary>
    public static string Endpoint(FakeOtlpTransport transport, int port) =>
        transport == FakeOtlpTransport.Grpc ? $"127.0.0.1:{port}" : $"http://127.0.0.1:{port}";

    public static string Endpoint(FakeOtlpTransport transport, FakeOtlpBackend backend) =>
        Endpoint(transport, transport == FakeOtlpTransport.Grpc ? backend.GrpcPort : backend.HttpPort);

    public static FakeOtlpBackendOptions BackendOn(FakeOtlpTransport transport, int port) =>
        transport == FakeOtlpTransport.Grpc ? new() { GrpcPort = port } : new() { HttpPort = port };

    public static OtlpClientOptions Options(FakeOtlpTransport transport, string endpoint, string compression = "gzip")
    {
        OtlpClientOptions options = transport == FakeOtlpTransport.Grpc
            ? new OtlpExporterOptions { Tls = new TlsClientOptions { Insecure = true } }
            : new OtlpHttpExporterOptions();
        options.Endpoint = endpoint;
        options.Compression = compression;
        options.RetryOnFailure = new RetryOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(50),
            MaxInterval = TimeSpan.FromMilliseconds(200),
            MaxElapsedTime = TimeSpan.FromSeconds(20),
        };
        options.SendingQueue = new SendingQueueOptions { NumConsumers = 2 };
        return options;
    }

    public static async Task<IExporter> StartAsync(ComponentId id, OtlpClientOptions options, RecordingLogger? log = null)
    {
        var context = new TestHost(log).Context(id, options);
        IExporter exporter = options switch
        {
            OtlpExporterOptions grpc => new OtlpExporter(context, AllSignals, grpc),
            OtlpHttpExporterOptions http => new OtlpHttpExporter(context, AllSignals, http),
            _ => throw new ArgumentException(options.GetType().Name),
        };
        await exporter.StartAsync(CancellationToken.None);
        return exporter;
    }

    public static async Task StopAsync(IExporter exporter)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await exporter.ShutdownAsync(deadline.Token);
    }

    /// <summary>The next <paramref name="count"/> requests fail in a way OTLP says to retry (gRPC UNAVAILABLE, HTTP 503), with the server's delay.</summary>
    public static string FailTransiently(FakeOtlpTransport transport, FakeOtlpBackend backend, int count, TimeSpan retryAfter)
    {
        if (transport == FakeOtlpTransport.Grpc)
        {
            backend.FailNext(count, StatusCode.Unavailable, retryAfter);
            return nameof(StatusCode.Unavailable);
        }

        backend.FailNext(count, 503, retryAfter);
        return "503";
    }

    /// <summary>The next request fails for good with <paramref name="code"/> (a gRPC status code or an HTTP status).</summary>
    public static void FailPermanently(FakeOtlpTransport transport, FakeOtlpBackend backend, int code, string message)
    {
        if (transport == FakeOtlpTransport.Grpc)
        {
            backend.FailNext(1, (StatusCode)code, message: message);
        }
        else
        {
            backend.FailNext(1, code, message: message);
        }
    }
}
