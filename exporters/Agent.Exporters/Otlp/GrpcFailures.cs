using Agent.Core.Consumers;
using Grpc.Core;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Sorts a failed OTLP/gRPC export into retryable and permanent, following the OTLP specification: the listed
/// transient codes are retried, RESOURCE_EXHAUSTED only when the server attached a RetryInfo (its delay honoured),
/// everything else is refused data. A failure of the connection itself (refused, reset, TLS handshake) never
/// reached the server, so it is transient whatever code the client library put on it.
/// </summary>
public static class GrpcFailures
{
    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    public static Exception Classify(RpcException failure)
    {
        TimeSpan? retryDelay = null;
        if (failure.Trailers.GetValueBytes(StatusDetailsTrailer) is { } details &&
            RpcStatus.TryParse(details, out var status))
        {
            retryDelay = status.RetryDelay;
        }

        string message = $"gRPC {failure.StatusCode}: {failure.Status.Detail}";
        if (failure.Status.DebugException is HttpRequestException or IOException)
        {
            return new RetryableException(message, null, failure);
        }

        return failure.StatusCode switch
        {
            StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.OutOfRange or
            StatusCode.Unavailable or StatusCode.DataLoss => new RetryableException(message, retryDelay, failure),
            StatusCode.ResourceExhausted when retryDelay is not null => new RetryableException(message, retryDelay, failure),
            _ => new PermanentException(message, failure),
        };
    }
}
