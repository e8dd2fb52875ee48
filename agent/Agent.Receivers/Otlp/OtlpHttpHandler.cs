using System.Globalization;
using System.Text;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Core.Telemetry;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Agent.Receivers.Otlp;

/// <summary>
/// OTLP/HTTP: POST of a protobuf or JSON export request on one path per signal, plain or compressed. Answers
/// follow the OTLP specification: the export response in the request's encoding, a <c>google.rpc.Status</c>
/// body on errors, 503 with Retry-After when the client should try again later.
/// </summary>
internal sealed class OtlpHttpHandler
{
    private const string Transport = "http";

    /// <summary>The pause suggested to clients on 503; their exponential backoff takes over from there.</summary>
    private const int RetryAfterSeconds = 1;

    /// <summary>
    /// How far past the limit Kestrel still reads a body. The handler enforces the exact limit itself; the slack
    /// lets Kestrel drain what a refused client already sent (e.g. the rest of a gzip bomb), so the client reads
    /// the 413 instead of a connection reset. Bodies beyond it have the connection closed on them.
    /// </summary>
    public const long DrainAllowance = 1024 * 1024;

    private readonly OtlpIngest _ingest;
    private readonly long _limit;
    private readonly bool _includeMetadata;
    private readonly Dictionary<string, Func<HttpContext, OtlpEncoding, SegmentedBuffer, Task>> _routes = new(StringComparer.Ordinal);

    public OtlpHttpHandler(OtlpHttpOptions options, ReceiverConsumers consumers, OtlpIngest ingest)
    {
        _ingest = ingest;
        _limit = options.MaxRequestBodySize;
        _includeMetadata = options.IncludeMetadata;

        // A signal no pipeline takes gets no path, so its requests are answered 404 as by the Collector.
        if (consumers.Traces is { } traces)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.TracesUrlPath)] = (c, e, b) => ExportAsync(c, OtlpSignals.Traces, traces, e, b);
        }

        if (consumers.Metrics is { } metrics)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.MetricsUrlPath)] = (c, e, b) => ExportAsync(c, OtlpSignals.Metrics, metrics, e, b);
        }

        if (consumers.Logs is { } logs)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.LogsUrlPath)] = (c, e, b) => ExportAsync(c, OtlpSignals.Logs, logs, e, b);
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!_routes.TryGetValue(request.Path.Value ?? string.Empty, out var export))
        {
            await WriteTextAsync(context, StatusCodes.Status404NotFound, "404 page not found").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            Reject("method_not_allowed");
            context.Response.Headers.Allow = "POST";
            await WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, "405 method not allowed, supported: [POST]").ConfigureAwait(false);
            return;
        }

        if (OtlpPayload.EncodingOf(request.ContentType) is not { } encoding)
        {
            Reject("unsupported_media_type");
            await WriteTextAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"415 unsupported media type, supported: [{OtlpPayload.JsonContentType}, {OtlpPayload.ProtobufContentType}]").ConfigureAwait(false);
            return;
        }

        if (RequestBodyReader.CodingOf(request.Headers.ContentEncoding) is not { } coding)
        {
            Reject("unsupported_encoding");
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCode.InvalidArgument,
                $"unsupported Content-Encoding \"{request.Headers.ContentEncoding}\", supported: gzip, deflate, identity", encoding).ConfigureAwait(false);
            return;
        }

        using var body = new SegmentedBuffer();
        var read = request.ContentLength > _limit ? BodyReadStatus.TooLarge : await ReadBodyAsync(context, coding, body).ConfigureAwait(false);
        if (read is null)
        {
            return;
        }

        if (read != BodyReadStatus.Complete)
        {
            bool tooLarge = read == BodyReadStatus.TooLarge;
            Reject(tooLarge ? "too_large" : "malformed");
            await WriteStatusAsync(
                context,
                tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                tooLarge ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument,
                tooLarge ? $"the request body is larger than {_limit} bytes (max_request_body_size)" : "the compressed body is corrupt",
                encoding).ConfigureAwait(false);
            return;
        }

        await export(context, encoding, body).ConfigureAwait(false);
    }

    /// <summary>Null when the client went away while sending.</summary>
    private async Task<BodyReadStatus?> ReadBodyAsync(HttpContext context, ContentCoding coding, SegmentedBuffer body)
    {
        try
        {
            return await RequestBodyReader.ReadAsync(context.Request.Body, coding, _limit, body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyReadStatus.TooLarge;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task ExportAsync<TRequest, TResponse, TBatch>(
        HttpContext context,
        OtlpSignal<TRequest, TResponse, TBatch> signal,
        IConsumer<TBatch> consumer,
        OtlpEncoding encoding,
        SegmentedBuffer body)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        TRequest request;
        try
        {
            request = OtlpPayload.Decode(signal.Parser, signal.FixJsonIds, body.Sequence, encoding);
        }
        catch (MalformedRequestException ex)
        {
            Reject("malformed");
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, ex.Message, encoding).ConfigureAwait(false);
            return;
        }
        finally
        {
            // The decoded message owns copies of everything: the pooled bytes need not wait for delivery.
            body.Dispose();
        }

        var client = OtlpClientContext.Of(context, _includeMetadata);
        var result = await _ingest.ExportAsync(signal, consumer, request, Transport, client, context.RequestAborted).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case ReceiveOutcome.Accepted:
                await WriteAsync(context, StatusCodes.Status200OK, OtlpPayload.ContentTypeOf(encoding), OtlpPayload.Encode(result.Response, encoding)).ConfigureAwait(false);
                break;
            case ReceiveOutcome.Rejected:
                await WriteStatusAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, result.Message, encoding).ConfigureAwait(false);
                break;
            default:
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteStatusAsync(context, StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, result.Message, encoding).ConfigureAwait(false);
                break;
        }
    }

    private void Reject(string reason) => _ingest.Telemetry.RequestRejected(reason);

    private static Task WriteStatusAsync(HttpContext context, int httpStatus, StatusCode code, string message, OtlpEncoding encoding) =>
        WriteAsync(context, httpStatus, OtlpPayload.ContentTypeOf(encoding), OtlpStatusBody.Encode(code, message, encoding));

    private static Task WriteTextAsync(HttpContext context, int httpStatus, string text) =>
        WriteAsync(context, httpStatus, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task WriteAsync(HttpContext context, int httpStatus, string contentType, byte[] body)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = httpStatus;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away; nothing is left to tell it.
        }
    }
}
