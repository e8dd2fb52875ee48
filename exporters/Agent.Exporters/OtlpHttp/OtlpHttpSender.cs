using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Agent.Core.Consumers;
using Agent.Core.Net;
using Agent.Exporters.Otlp;
using Google.Protobuf;

namespace Agent.Exporters.OtlpHttp;

/// <summary>
/// Posts one OTLP request as protobuf (gzipped when configured) and reads the answer by the OTLP/HTTP rules:
/// 429, 502, 503 and 504 are retryable (with the server's Retry-After), any other error status is permanent, and
/// a success body may carry a partial success.
/// </summary>
public sealed class OtlpHttpSender : IDisposable
{
    public const string ProtobufContentType = "application/x-protobuf";

    // Enough of an error body to explain the failure; the rest is not read.
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxErrorTextChars = 512;

    private readonly HttpClient _client;
    private readonly bool _gzip;
    private readonly TimeProvider _time;

    public OtlpHttpSender(OtlpClientOptions options, TimeProvider? time = null)
    {
        _gzip = options.UsesGzip;
        _time = time ?? TimeProvider.System;

        _client = HttpHandlerBuilder.CreateClient(options);
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("agent", typeof(OtlpHttpSender).Assembly.GetName().Version?.ToString(3) ?? "0"));
        foreach (var (name, value) in options.Headers)
        {
            _client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>Sends <paramref name="request"/>; returns the decoded response, or null when the server sent no protobuf body.</summary>
    public async Task<TResponse?> PostAsync<TResponse>(Uri url, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>
    {
        using var content = Encode(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            byte[] errorBody = await ReadAtMostAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            throw Failure(response, errorBody);
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0 || !IsProtobuf(response.Content))
        {
            return null;
        }

        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            // The data was accepted; a body we cannot read only costs us the partial-success details.
            return null;
        }
    }

    public void Dispose() => _client.Dispose();

    private HttpContent Encode(IMessage request)
    {
        HttpContent content;
        if (_gzip)
        {
            var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                request.WriteTo(gzip);
            }

            content = new ByteArrayContent(compressed.GetBuffer(), 0, (int)compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new PooledProtobufContent(request);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue(ProtobufContentType);
        return content;
    }

    private Exception Failure(HttpResponseMessage response, byte[] body)
    {
        int code = (int)response.StatusCode;
        string detail = DescribeBody(response.Content, body);
        string message = $"HTTP {code} {response.ReasonPhrase}{(detail.Length > 0 ? ": " + detail : string.Empty)}";
        return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            ? new RetryableException(message, RetryAfter.Of(response, _time.GetUtcNow()))
            : new PermanentException(message);
    }

    private static string DescribeBody(HttpContent content, byte[] body)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        if (IsProtobuf(content))
        {
            return RpcStatus.TryParse(body, out var status) ? status.Message : string.Empty;
        }

        string text = System.Text.Encoding.UTF8.GetString(body).Trim();
        return text.Length > MaxErrorTextChars ? text[..MaxErrorTextChars] + "…" : text;
    }

    private static bool IsProtobuf(HttpContent content) =>
        content.Headers.ContentType?.MediaType is null or ProtobufContentType;

    private static async Task<byte[]> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[limit];
            int filled = 0;
            int read;
            while (filled < limit && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            return buffer.AsSpan(0, filled).ToArray();
        }
    }

    /// <summary>The encoded request in a pooled buffer, given back when the request is done with it.</summary>
    private sealed class PooledProtobufContent : HttpContent
    {
        private byte[]? _buffer;
        private readonly int _length;

        public PooledProtobufContent(IMessage message)
        {
            _length = message.CalculateSize();
            _buffer = ArrayPool<byte>.Shared.Rent(_length);
            message.WriteTo(_buffer.AsSpan(0, _length));
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(_buffer.AsMemory(0, _length)).AsTask();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _buffer, null) is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            base.Dispose(disposing);
        }
    }
}
