using System.Net;
using Agent.Core.Model;
using Agent.Exporters.Otlp.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// Once a request waited a whole <c>backpressure_timeout</c> for room in vain, the next ones are turned away before
/// their body is read while one probe request waits; the first batch the pipeline takes opens the door again.
/// </summary>
public class OtlpFullPipelineDoorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Over_http_a_full_pipeline_turns_requests_away_at_once_until_it_takes_a_batch_again()
    {
        await using var blocked = await BlockedPipeline.StartAsync();
        var otlp = blocked.Otlp;
        byte[] body = OtlpSamples.Traces(spans: 3).ToByteArray();

        using (var first = await OtlpHttpTests.PostAsync(otlp, "/v1/traces", body, "application/x-protobuf"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        var probe = OtlpHttpTests.PostAsync(otlp, "/v1/traces", body, "application/x-protobuf");
        await blocked.UntilWaitingAsync(2);
        using (var turnedAway = await OtlpHttpTests.PostAsync(otlp, "/v1/traces", body, "application/x-protobuf"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, turnedAway.StatusCode);
            Assert.NotNull(turnedAway.Headers.RetryAfter);
            var (code, message) = StatusBody.ParseProtobuf(await turnedAway.Content.ReadAsByteArrayAsync());
            Assert.Equal((14, "the pipeline is full; retry later"), (code, message));
        }

        Assert.False(probe.IsCompleted);
        Assert.Equal(2, blocked.Waiting);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "pipeline_full"));

        blocked.MakeRoom();
        using (var taken = await probe)
        {
            Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        }

        await OtlpHttpTests.AssertStillServesAsync(otlp);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "pipeline_full"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Over_grpc_a_full_pipeline_turns_calls_away_with_unavailable_until_it_takes_a_batch_again()
    {
        await using var blocked = await BlockedPipeline.StartAsync();
        var otlp = blocked.Otlp;
        using var channel = GrpcChannel.ForAddress(otlp.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);

        var first = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(OtlpSamples.Traces(spans: 3)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, first.StatusCode);

        var probe = client.ExportAsync(OtlpSamples.Traces(spans: 3)).ResponseAsync;
        await blocked.UntilWaitingAsync(2);
        var turnedAway = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(OtlpSamples.Traces(spans: 3)).ResponseAsync);
        Assert.Equal((StatusCode.Unavailable, "the pipeline is full; retry later"), (turnedAway.StatusCode, turnedAway.Status.Detail));
        Assert.False(probe.IsCompleted);
        Assert.Equal(2, blocked.Waiting);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "pipeline_full"));

        blocked.MakeRoom();
        await probe;
        await client.ExportAsync(OtlpSamples.Traces(spans: 3)).ResponseAsync;
        Assert.Equal(2, otlp.Traces.Received.Count);
        Assert.Equal(2 * 3, SelfMetrics.AcceptedValue(otlp.Name, "grpc", Signal.Traces));
    }

    /// <summary>A receiver whose traces pipeline has no room until <see cref="MakeRoom"/>.</summary>
    private sealed class BlockedPipeline : IAsyncDisposable
    {
        private readonly TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private BlockedPipeline(OtlpTestReceiver otlp) => Otlp = otlp;

        public OtlpTestReceiver Otlp { get; }

        /// <summary>Batches that reached the pipeline (each waited for room there).</summary>
        public int Waiting => Otlp.Traces.WaitedForRoom;

        public static async Task<BlockedPipeline> StartAsync()
        {
            var otlp = await OtlpTestReceiver.StartAsync(options => options.BackpressureTimeout = Patience);
            var blocked = new BlockedPipeline(otlp);
            otlp.Traces.Room = blocked._room.Task;
            return blocked;
        }

        public Task UntilWaitingAsync(int batches) => Eventually.UntilAsync(() => Waiting >= batches, $"{batches} batches waiting for room");

        public void MakeRoom() => _room.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            MakeRoom();
            await Otlp.DisposeAsync();
        }
    }
}
