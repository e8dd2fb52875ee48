using System.Net.Http.Headers;
using Agent.Core.Consumers;
using Agent.Core.Net;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// What the exporters that post one encoded request per call (Loki, remote-write) share: the message with the
/// configured headers, a send whose connection failure is retryable, and the answer read as accepted, retryable or
/// refused with the start of the refusal's body for the log.
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

    /// <summary>
    /// Sends <paramref name="message"/> and reads the answer: null when <paramref name="server"/> accepted it, else
    /// its status with the start of its body (at most <paramref name="maxErrorChars"/>). A status
    /// <paramref name="isRetryable"/> says may pass later is thrown as a <see cref="RetryableException"/> with the
    /// server's Retry-After, as is a connection that fails.
    /// </summary>
    public static async Task<HttpRefusal?> PostAsync(
        HttpClient http, HttpRequestMessage message, string what, string server, int maxErrorChars, Func<int, bool> isRetryable, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http, message, what, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        int status = (int)response.StatusCode;
        string text = await ReadErrorAsync(response, maxErrorChars, cancellationToken).ConfigureAwait(false);
        if (isRetryable(status))
        {
            throw new RetryableException($"{server} answered {status}: {text}", RetryAfter.Of(response, DateTimeOffset.UtcNow));
        }

        return new HttpRefusal(status, text);
    }

    /// <summary>Sends up to the response headers; a connection that fails is retryable, described as <paramref name="what"/>.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage message, string what, CancellationToken cancellationToken)
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
    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, int maxChars, CancellationToken cancellationToken)
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
