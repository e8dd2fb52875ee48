using System.Net;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Fakes;

/// <summary>How to start a <see cref="FakeOtlpBackend"/>.</summary>
public sealed class FakeOtlpBackendOptions
{
    /// <summary>0 picks a free port; a fixed one lets a test start the backend late, where an exporter already points.</summary>
    public int GrpcPort { get; init; }

    public int HttpPort { get; init; }

    /// <summary>Serve TLS with this certificate (it must hold its private key) instead of plain text.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>With TLS: ask clients for a certificate (any is accepted and recorded).</summary>
    public bool AskClientCertificate { get; init; }
}

/// <summary>
/// An in-process OTLP backend standing in for Tempo or a Collector: OTLP/gRPC (HTTP/2) and OTLP/HTTP on two
/// loopback ports. It decodes and records every request, keeps what it accepted per signal, and can be told how to
/// answer the next requests (errors, partial successes, stalls).
/// </summary>
public sealed partial class FakeOtlpBackend : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<ExportTraceServiceRequest> _traces = [];
    private readonly List<ExportMetricsServiceRequest> _metrics = [];
    private readonly List<ExportLogsServiceRequest> _logs = [];
    private readonly List<FakeOtlpRequest> _requests = [];
    private readonly List<(Signal Signal, byte[] Body)> _httpBodies = [];
    private readonly List<PlannedReply> _plan = [];
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication? _app;

    private FakeOtlpBackend()
    {
    }

    public int GrpcPort { get; private set; }

    public int HttpPort { get; private set; }

    public bool UsesTls { get; private set; }

    /// <summary>For the <c>otlp</c> exporter: <c>http://127.0.0.1:port</c> (or https with TLS).</summary>
    public Uri GrpcEndpoint => new($"{(UsesTls ? "https" : "http")}://127.0.0.1:{GrpcPort}");

    /// <summary>The <c>host:port</c> form of the gRPC endpoint, as Collector configs often write it.</summary>
    public string GrpcHostPort => $"127.0.0.1:{GrpcPort}";

    /// <summary>For the <c>otlphttp</c> exporter's <c>endpoint</c>: signals go to /v1/traces, /v1/metrics, /v1/logs.</summary>
    public Uri HttpEndpoint => new($"{(UsesTls ? "https" : "http")}://127.0.0.1:{HttpPort}");

    /// <summary>Accepted trace requests, in arrival order.</summary>
    public IReadOnlyList<ExportTraceServiceRequest> Traces => Snapshot(_traces);

    public IReadOnlyList<ExportMetricsServiceRequest> Metrics => Snapshot(_metrics);

    public IReadOnlyList<ExportLogsServiceRequest> Logs => Snapshot(_logs);

    /// <summary>The bodies of the OTLP/HTTP requests of <paramref name="signal"/> as they arrived (uncompressed), before any decoding.</summary>
    public IReadOnlyList<byte[]> HttpBodiesOf(Signal signal)
    {
        lock (_gate)
        {
            return [.. _httpBodies.Where(b => b.Signal == signal).Select(b => b.Body)];
        }
    }

    /// <summary>Every request that reached the backend, accepted or not.</summary>
    public IReadOnlyList<FakeOtlpRequest> Requests => Snapshot(_requests);

    public int SpanCount => Traces.Sum(r => r.ResourceSpans.Sum(g => g.ScopeSpans.Sum(s => s.Spans.Count)));

    public int MetricPointCount => Metrics.Sum(r => new MetricsBatch(r).ItemCount);

    public int LogRecordCount => Logs.Sum(r => r.ResourceLogs.Sum(g => g.ScopeLogs.Sum(s => s.LogRecords.Count)));

    public static async Task<FakeOtlpBackend> StartAsync(FakeOtlpBackendOptions? options = null)
    {
        options ??= new FakeOtlpBackendOptions();
        var backend = new FakeOtlpBackend { UsesTls = options.ServerCertificate is not null };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(backend);
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC in plain text needs an HTTP/2-only endpoint (no ALPN to negotiate it).
            kestrel.Listen(IPAddress.Loopback, options.GrpcPort, listen =>
            {
                grpc = listen;
                listen.Protocols = HttpProtocols.Http2;
                UseTls(listen, options);
            });
            kestrel.Listen(IPAddress.Loopback, options.HttpPort, listen =>
            {
                http = listen;
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                UseTls(listen, options);
            });
        });

        var app = builder.Build();
        app.MapGrpcService<TraceReceiver>();
        app.MapGrpcService<MetricsReceiver>();
        app.MapGrpcService<LogsReceiver>();
        app.MapPost("/{**path}", backend.HandleHttpAsync);
        await app.StartAsync();
        backend._app = app;
        backend.GrpcPort = grpc!.IPEndPoint!.Port;
        backend.HttpPort = http!.IPEndPoint!.Port;
        return backend;
    }

    /// <summary>A port nothing listens on right now, to point an exporter at a backend that is not up yet.</summary>
    public static int FreePort() => FreePorts.Next();

    /// <summary>The next <paramref name="count"/> gRPC requests fail with <paramref name="code"/>; a retry delay is sent as RetryInfo.</summary>
    public void FailNext(int count, StatusCode code, TimeSpan? retryAfter = null, string message = "injected failure") =>
        Plan(count, new PlannedReply(FakeOtlpTransport.Grpc) { GrpcCode = code, RetryAfter = retryAfter, Message = message });

    /// <summary>The next <paramref name="count"/> HTTP requests get <paramref name="httpStatus"/>, a google.rpc.Status body and Retry-After (whole seconds).</summary>
    public void FailNext(int count, int httpStatus, TimeSpan? retryAfter = null, string message = "injected failure") =>
        Plan(count, new PlannedReply(FakeOtlpTransport.Http) { HttpStatus = httpStatus, RetryAfter = retryAfter, Message = message });

    /// <summary>The next <paramref name="count"/> requests (either transport) are accepted but report <paramref name="rejected"/> items refused.</summary>
    public void RejectPartiallyNext(int count, long rejected, string message = "some items were refused") =>
        Plan(count, new PlannedReply(null) { Rejected = rejected, Message = message });

    /// <summary>The next <paramref name="count"/> requests (either transport) get no answer for <paramref name="delay"/>; if the client gives up first they are not recorded as accepted.</summary>
    public void StallNext(int count, TimeSpan delay) =>
        Plan(count, new PlannedReply(null) { Stall = delay });

    /// <summary>Forgets every reply still planned: the next requests are accepted (the backend is healthy again).</summary>
    public void StopFailing()
    {
        lock (_gate)
        {
            _plan.Clear();
        }
    }

    public Task WaitForSpansAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => SpanCount >= count, timeout, () => $"{count} spans (have {SpanCount})");

    public Task WaitForMetricPointsAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => MetricPointCount >= count, timeout, () => $"{count} metric points (have {MetricPointCount})");

    public Task WaitForLogRecordsAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => LogRecordCount >= count, timeout, () => $"{count} log records (have {LogRecordCount})");

    /// <summary>Waits for <paramref name="count"/> requests of any outcome.</summary>
    public Task WaitForRequestsAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Requests.Count >= count, timeout, () => $"{count} requests (have {Requests.Count})");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(deadline.Token);
            await _app.DisposeAsync();
        }
    }

    private async Task WaitUntilAsync(Func<bool> done, TimeSpan? timeout, Func<string> what)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (done())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The fake OTLP backend did not receive {what()} in time.");
            }
        }
    }

    private void Plan(int count, PlannedReply reply)
    {
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                _plan.Add(reply);
            }
        }
    }

    /// <summary>The reply planned for the next request of this transport, if any.</summary>
    private PlannedReply? TakePlan(FakeOtlpTransport transport)
    {
        lock (_gate)
        {
            int index = _plan.FindIndex(p => p.Transport is null || p.Transport == transport);
            if (index < 0)
            {
                return null;
            }

            var reply = _plan[index];
            _plan.RemoveAt(index);
            return reply;
        }
    }

    private void Record(FakeOtlpRequest request, Action? keep)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _requests.Add(request);
            keep?.Invoke();
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private static void UseTls(ListenOptions listen, FakeOtlpBackendOptions options)
    {
        if (options.ServerCertificate is null)
        {
            return;
        }

        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = options.ServerCertificate,
            ClientCertificateMode = options.AskClientCertificate ? ClientCertificateMode.AllowCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        });
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
