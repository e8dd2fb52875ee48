using System.Net.Http.Headers;
using Agent.Core.Consumers;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// What the exporters that post one encoded request per call (Loki, remote-write) share: the message with the
/// configured headers, a send whose connection failure is retryable, and the start of a refusal's body for the log.
/// </summary>
internal static class HttpPost
{
    /// <summary>A POST of <paramref name="request"/>'s body; the configured headers replace any of the same name.</summary>
    public static HttpRequestMessage Message(Uri uri, ExportRequest request, string contentType, IReadOnlyDictionary<string, string> headers)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        foreach (var (name, value) in headers)
        {
            SetHeader(message, name, value);
        }

        return message;
    }

    public static void SetHeader(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        message.Headers.TryAddWithoutValidation(name, value);
    }

    /// <summary>Sends up to the response headers; a connection that fails is retryable, described as <paramref name="what"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage message, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RetryableException($"{what} failed: {ex.Message}", null, ex);
        }
    }

    /// <summary>At most <paramref name="maxChars"/> of a refusal's body, or its reason phrase when the body cannot be read.</summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, int maxChars, CancellationToken cancellationToken)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > maxChars ? body[..maxChars] : body.TrimEnd();
        }
        catch (HttpRequestException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }
    }
}
