using System.Net;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.Otlp.Grpc;
using Agent.Processors.MemoryLimiter;
using Agent.Receivers.Otlp;
using Agent.Tests.Processors.MemoryLimiter;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// What clients hear when the agent will not take their data now: over the in-flight byte budget and over the memory
/// limiter's soft limit, the retryable status of each protocol (503 with Retry-After, UNAVAILABLE), at once.
/// </summary>
public class OtlpRefusalTests
{
    private const long Mib = 1024 * 1024;

    /// <summary>Two of these do not fit a 1 MiB budget together; one alone does.</summary>
    private static readonly ExportLogsServiceRequest HalfBudgetAndMore = OtlpSamples.Logs(body: new string('x', 700_000));

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Http_request_past_the_in_flight_budget_is_answered_503_at_once_and_the_budget_comes_back()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => options.MaxInFlightBytesMib = 1);
        var (entered, gate) = HoldFirstBatch(otlp);
        var body = HalfBudgetAndMore.ToByteArray();

        var first = OtlpHttpTests.PostAsync(otlp, "/v1/logs", body, "application/x-protobuf");
        await entered.Task;
        using var refused = await OtlpHttpTests.PostAsync(otlp, "/v1/logs", body, "application/x-protobuf");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("max_in_flight_bytes_mib", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "in_flight_limit"));

        gate.SetResult();
        using (var answered = await first)
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        using var after = await OtlpHttpTests.PostAsync(otlp, "/v1/logs", body, "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, otlp.Logs.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Grpc_call_past_the_in_flight_budget_is_answered_unavailable_at_once()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => options.MaxInFlightBytesMib = 1);
        var (entered, gate) = HoldFirstBatch(otlp);
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var client = new LogsService.LogsServiceClient(channel);

        var first = client.ExportAsync(HalfBudgetAndMore).ResponseAsync;
        await entered.Task;
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(HalfBudgetAndMore).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("max_in_flight_bytes_mib", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "in_flight_limit"));

        gate.SetResult();
        await first;
        await client.ExportAsync(HalfBudgetAndMore);
        Assert.Equal(2, otlp.Logs.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Over_the_memory_limiters_soft_limit_http_gets_503_and_grpc_unavailable_and_both_are_counted_refused()
    {
        var memory = new FakeMemory();
        var time = new FakeTimeProvider();
        var options = new MemoryLimiterOptions { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100 };
        var guard = new MemoryGuard(options.Resolve(0), options, memory, time, NullLogger.Instance, SelfMetrics.Registry.Counter("test_refusal_gc_total", "test", [], []));
        var limiterId = new ComponentId("memory_limiter", Guid.NewGuid().ToString("N"));
        var sink = new RecordingConsumer<LogsBatch>();
        var limiter = new MemoryLimiterProcessor<LogsBatch>(new TestHost().Context(limiterId, options), guard, sink);
        await limiter.StartAsync(CancellationToken.None);
        await using var otlp = await OtlpTestReceiver.StartAsync(consumers: new ReceiverConsumers(null, null, limiter));
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var grpc = new LogsService.LogsServiceClient(channel);
        var logs = OtlpSamples.Logs();

        memory.Used = 90 * Mib;
        time.Advance(TimeSpan.FromSeconds(1));
        using var http = await OtlpHttpTests.PostAsync(otlp, "/v1/logs", logs.ToByteArray(), "application/x-protobuf");
        var error = await Assert.ThrowsAsync<RpcException>(() => grpc.ExportAsync(logs).ResponseAsync);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, http.StatusCode);
        Assert.Equal("1", http.Headers.GetValues("Retry-After").Single());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("data refused due to high memory usage", error.Status.Detail);
        Assert.Equal(1, SelfMetrics.RefusedValue(otlp.Name, "http", Signal.Logs));
        Assert.Equal(1, SelfMetrics.RefusedValue(otlp.Name, "grpc", Signal.Logs));
        Assert.Equal(2, SelfMetrics.Value("otelcol_processor_refused_log_records_total", ("processor", limiterId.ToString())));
        Assert.Equal(0, sink.Count);

        memory.Used = 10 * Mib;
        time.Advance(TimeSpan.FromSeconds(1));
        await grpc.ExportAsync(logs);
        Assert.Equal(1, sink.Count);
        await limiter.ShutdownAsync(CancellationToken.None);
    }

    /// <summary>The first logs batch waits in the pipeline (its request holds its bytes) until the gate opens.</summary>
    private static (TaskCompletionSource Entered, TaskCompletionSource Gate) HoldFirstBatch(OtlpTestReceiver otlp)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        otlp.Logs.OnConsume = async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        };
        return (entered, gate);
    }
}
