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
    private readonly InFlightBytes _inFlight;
    private readonly long _limit;
    private readonly bool _includeMetadata;
    private readonly FullPipelineDoor _door;
    private readonly Dictionary<string, (Signal Signal, Func<HttpContext, OtlpEncoding, SegmentedBuffer, Task> Export)> _routes = new(StringComparer.Ordinal);

    public OtlpHttpHandler(OtlpHttpOptions options, ReceiverConsumers consumers, OtlpIngest ingest, InFlightBytes inFlight, FullPipelineDoor door)
    {
        _ingest = ingest;
        _door = door;
        _inFlight = inFlight;
        _limit = options.MaxRequestBodySize;
        _includeMetadata = options.IncludeMetadata;

        // A signal no pipeline takes gets no path, so its requests are answered 404 as by the Collector.
        if (consumers.Traces is { } traces)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.TracesUrlPath)] = (Signal.Traces, (c, e, b) => ExportAsync(c, OtlpSignals.Traces, traces, e, b));
        }

        if (consumers.Metrics is { } metrics)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.MetricsUrlPath)] = (Signal.Metrics, (c, e, b) => ExportAsync(c, OtlpSignals.Metrics, metrics, e, b));
        }

        if (consumers.Logs is { } logs)
        {
            _routes[OtlpHttpOptions.NormalizePath(options.LogsUrlPath)] = (Signal.Logs, (c, e, b) => ExportAsync(c, OtlpSignals.Logs, logs, e, b));
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!_routes.TryGetValue(request.Path.Value ?? string.Empty, out var route))
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
                $"unsupported Content-Encoding \"{request.Headers.ContentEncoding}\", supported: gzip, deflate, zstd, identity", encoding).ConfigureAwait(false);
            return;
        }

        if (_door.Refuses(route.Signal))
        {
            await WriteRetryableAsync(context, ReceiverHelper.PipelineFull, encoding).ConfigureAwait(false);
            return;
        }

        // The lease is held until the pipeline took the data: undecoded bytes, then the decoded message.
        using var lease = _inFlight.Open();
        using var body = new SegmentedBuffer();
        var read = request.ContentLength switch
        {
            > 0 when request.ContentLength > _limit => BodyReadStatus.TooLarge,
            > 0 when !lease.TryCover(request.ContentLength.Value) => BodyReadStatus.Busy,
            _ => await ReadBodyAsync(context, coding, body, lease).ConfigureAwait(false),
        };
        if (read is null)
        {
            return;
        }

        if (read != BodyReadStatus.Complete)
        {
            await RefuseBodyAsync(context, read.Value, encoding).ConfigureAwait(false);
            return;
        }

        await route.Export(context, encoding, body).ConfigureAwait(false);
    }

    private Task RefuseBodyAsync(HttpContext context, BodyReadStatus read, OtlpEncoding encoding)
    {
        switch (read)
        {
            case BodyReadStatus.TooLarge:
                Reject("too_large");
                return WriteStatusAsync(context, StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted,
                    $"the request body is larger than {_limit} bytes (max_request_body_size)", encoding);
            case BodyReadStatus.Busy:
                Reject("in_flight_limit");
                return WriteRetryableAsync(context, InFlightPipeReader.Refusal, encoding);
            default:
                Reject("malformed");
                return WriteStatusAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, "the compressed body is corrupt", encoding);
        }
    }

    /// <summary>Null when the client went away while sending.</summary>
    private async Task<BodyReadStatus?> ReadBodyAsync(HttpContext context, ContentCoding coding, SegmentedBuffer body, InFlightBytes.Lease lease)
    {
        try
        {
            return await RequestBodyReader.ReadAsync(context.Request.Body, coding, _limit, body, lease, context.RequestAborted).ConfigureAwait(false);
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
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        OtlpReceived<TRequest> request;
        try
        {
            // OTLP/JSON always takes the full path: its records are decoded to be read at all.
            request = encoding == OtlpEncoding.Protobuf && OtlpWireIntake.TryParse(consumer, body.Sequence, signal.Signal, _ingest.Limits) is { } encoded
                ? OtlpReceived<TRequest>.Of(encoded)
                : OtlpReceived<TRequest>.Of(OtlpPayload.Decode(signal.Parser, signal.FixJsonIds, body.Sequence, encoding));
        }
        catch (MalformedRequestException ex)
        {
            Reject("malformed");
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, ex.Message, encoding).ConfigureAwait(false);
            return;
        }
        finally
        {
            // The parsed message owns copies of everything: the pooled bytes need not wait for delivery.
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
                await WriteRetryableAsync(context, result.Message, encoding).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>503 with Retry-After: the OTLP specification's answer for an overloaded server, retried by every SDK.</summary>
    private static Task WriteRetryableAsync(HttpContext context, string message, OtlpEncoding encoding)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WriteStatusAsync(context, StatusCodes.Status503ServiceUnavailable, StatusCode.Unavailable, message, encoding);
    }

    private void Reject(string reason) => _ingest.Telemetry.RequestRejected(reason);

    internal static Task WriteStatusAsync(HttpContext context, int httpStatus, StatusCode code, string message, OtlpEncoding encoding) =>
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
