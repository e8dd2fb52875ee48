using System.Net;
using System.Net.Http.Headers;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Otlp;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.OtlpHttp;

/// <summary>
/// Posts one encoded OTLP request (its bytes as they are, gzipped or not) to its signal's URL and reads the answer
/// by the OTLP/HTTP rules: 429, 502, 503 and 504 are retryable (with the server's Retry-After), any other error
/// status is permanent, and a success body may carry a partial success.
/// </summary>
public sealed class OtlpHttpSender : IRequestSender, IDisposable
{
    // Enough of an error body to explain the failure; the rest is not read.
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxErrorTextChars = 512;

    private readonly HttpClient _client;
    private readonly Func<Signal, Uri> _urls;
    private readonly TimeProvider _time;

    public OtlpHttpSender(OtlpClientOptions options, Func<Signal, Uri> urls, TimeProvider? time = null, ILogger? logger = null)
    {
        _urls = urls;
        _time = time ?? TimeProvider.System;

        _client = HttpHandlerBuilder.CreateClient(options, logger);
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("agent", typeof(OtlpHttpSender).Assembly.GetName().Version?.ToString(3) ?? "0"));
        foreach (var (name, value) in options.Headers)
        {
            _client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
    }

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(request.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        if (request.ContentEncoding is { } encoding)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, _urls(request.Signal)) { Content = content };
        using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            byte[] errorBody = await ReadAtMostAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            throw Failure(response, errorBody);
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        // The data was accepted; a body we cannot read only costs us the partial-success details.
        return body.Length == 0 || !IsProtobuf(response.Content)
            ? SendResult.Accepted
            : OtlpResponses.Parse(request.Signal, body);
    }

    public void Dispose() => _client.Dispose();

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
        content.Headers.ContentType?.MediaType is null or OtlpProtobuf.ContentType;

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
}
