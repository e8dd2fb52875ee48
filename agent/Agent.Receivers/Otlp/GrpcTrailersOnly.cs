using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Agent.Receivers.Otlp;

/// <summary>
/// A gRPC answer written before the call reaches its service, so before its message is read: "trailers-only", the
/// status travelling in the response headers with no message.
/// </summary>
internal static class GrpcTrailersOnly
{
    public static Task WriteAsync(HttpContext context, StatusCode status, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }
}
