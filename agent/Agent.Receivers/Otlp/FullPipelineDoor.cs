using Agent.Core.Model;
using Agent.Core.Receiving;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Turns a request away before a byte of its body is read while its signal's pipeline is known to be full (a wait
/// for room ran out and a probe request still waits; see <see cref="ReceiverHelper.RefusesAtOnce"/>): the client
/// hears "retry later" at once, and the agent reads, buffers and decodes nothing for it. Its items are unknown, so
/// it is counted as a request, in <c>agent_receiver_requests_rejected_total{reason="pipeline_full"}</c>.
/// </summary>
internal sealed class FullPipelineDoor(ReceiverHelper helper)
{
    public bool Refuses(Signal signal)
    {
        if (!helper.RefusesAtOnce(signal))
        {
            return false;
        }

        helper.Telemetry.RequestRejected("pipeline_full");
        return true;
    }

    /// <summary>gRPC middleware: UNAVAILABLE, which every SDK retries with backoff.</summary>
    public Task InvokeGrpcAsync(HttpContext context, RequestDelegate next) =>
        SignalOfGrpcPath(context.Request.Path) is { } signal && Refuses(signal)
            ? GrpcTrailersOnly.WriteAsync(context, StatusCode.Unavailable, ReceiverHelper.PipelineFull)
            : next(context);

    /// <summary>The signal of an OTLP export call's path, <c>/{service}/Export</c>; null for any other path.</summary>
    private static Signal? SignalOfGrpcPath(PathString path)
    {
        var value = path.Value.AsSpan();
        if (!value.EndsWith("/Export", StringComparison.Ordinal) || value.Length < 2)
        {
            return null;
        }

        var service = value[1..^"/Export".Length];
        return service.SequenceEqual(OtlpSignals.Traces.GrpcService) ? Signal.Traces
            : service.SequenceEqual(OtlpSignals.Metrics.GrpcService) ? Signal.Metrics
            : service.SequenceEqual(OtlpSignals.Logs.GrpcService) ? Signal.Logs
            : null;
    }
}
