using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Google.Protobuf;

namespace Agent.Receivers.Otlp;

/// <summary>The two OTLP/HTTP encodings.</summary>
internal enum OtlpEncoding
{
    Protobuf,
    Json,
}

/// <summary>Decodes and encodes OTLP messages in either encoding, following the OTLP/JSON rules.</summary>
internal static class OtlpPayload
{
    public const string ProtobufContentType = "application/x-protobuf";
    public const string JsonContentType = "application/json";

    // OTLP/JSON receivers must ignore unknown fields, so newer senders keep working.
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    // Enums as integers, as OTLP/JSON requires; default values left out.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <summary>The encoding named by a Content-Type header (parameters such as charset are ignored), if supported.</summary>
    public static OtlpEncoding? EncodingOf(string? contentType)
    {
        var mediaType = (contentType ?? string.Empty).AsSpan();
        int semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        if (mediaType.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return OtlpEncoding.Protobuf;
        }

        return mediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase) ? OtlpEncoding.Json : null;
    }

    public static string ContentTypeOf(OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Json ? JsonContentType : ProtobufContentType;

    public static TRequest Decode<TRequest>(MessageParser<TRequest> parser, Action<TRequest> fixJsonIds, ReadOnlySequence<byte> body, OtlpEncoding encoding)
        where TRequest : IMessage<TRequest>, new()
    {
        try
        {
            if (encoding == OtlpEncoding.Protobuf)
            {
                return ParseProtobuf(parser, body);
            }

            return ParseJson(fixJsonIds, body);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            string kind = encoding == OtlpEncoding.Json ? "OTLP/JSON" : "protobuf";
            throw new MalformedRequestException($"the body is not a valid {kind} {typeof(TRequest).Name}: {DecodeErrorText.Of(ex)}", ex);
        }
    }

    /// <summary>
    /// Parses a protobuf message; a string field with invalid UTF-8 does not refuse the request: its invalid bytes
    /// become U+FFFD, as they do in OTLP/JSON bodies and in files (see <see cref="ProtobufUtf8Repair"/>).
    /// </summary>
    public static TRequest ParseProtobuf<TRequest>(MessageParser<TRequest> parser, ReadOnlySequence<byte> body)
        where TRequest : IMessage<TRequest>, new()
    {
        try
        {
            return parser.ParseFrom(body);
        }
        catch (Exception ex) when (IsDecodeFailure(ex) && ProtobufUtf8Repair.Repair(body, new TRequest().Descriptor) is { } repaired)
        {
            return parser.ParseFrom(repaired);
        }
    }

    private static TRequest ParseJson<TRequest>(Action<TRequest> fixJsonIds, ReadOnlySequence<byte> body)
        where TRequest : IMessage<TRequest>, new()
    {
        TRequest request;
        try
        {
            // The parser reads text; a reader over the buffered bytes avoids one large string per request.
            using var text = new StreamReader(PipeReader.Create(body).AsStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            request = Parser.Parse<TRequest>(text);
        }
        catch (Exception ex) when (IsDecodeFailure(ex) && OtlpJsonWrongLengthIds.Replace(body) is { } marked)
        {
            using var text = new StreamReader(new MemoryStream(marked), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            request = Parser.Parse<TRequest>(text);
        }

        fixJsonIds(request);
        return request;
    }

    private static bool IsDecodeFailure(Exception ex) =>
        ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or DecoderFallbackException;

    /// <summary>A response message (small: an empty answer or a partial success) in <paramref name="encoding"/>.</summary>
    public static byte[] Encode(IMessage message, OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Protobuf ? message.ToByteArray() : Encoding.UTF8.GetBytes(Formatter.Format(message));
}
