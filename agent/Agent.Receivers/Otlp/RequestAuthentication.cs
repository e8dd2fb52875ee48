using Agent.Core.Components;
using Agent.Core.Telemetry;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Lets a request through only when the protocol's <c>auth.authenticator</c> accepts its header, before a byte of
/// its body is read. A refusal is answered 401 over HTTP and UNAUTHENTICATED over gRPC, never says what was wrong
/// with the credentials, and is counted in <c>agent_receiver_requests_rejected_total{reason="unauthenticated"}</c>.
/// </summary>
internal sealed class RequestAuthentication(IServerAuthenticator authenticator, ReceiverTelemetry telemetry, bool grpc)
{
    internal const string Refusal = "missing or invalid credentials";

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string? value = context.Request.Headers[authenticator.HeaderName];
        if (authenticator.Authenticate(value))
        {
            return next(context);
        }

        telemetry.RequestRejected("unauthenticated");
        return grpc ? GrpcTrailersOnly.WriteAsync(context, StatusCode.Unauthenticated, Refusal) : RefuseHttpAsync(context);
    }

    private static Task RefuseHttpAsync(HttpContext context)
    {
        var encoding = OtlpPayload.EncodingOf(context.Request.ContentType) ?? OtlpEncoding.Protobuf;
        return OtlpHttpHandler.WriteStatusAsync(context, StatusCodes.Status401Unauthorized, StatusCode.Unauthenticated, Refusal, encoding);
    }
}
