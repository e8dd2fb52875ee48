using System.Net.Http.Headers;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Posts one snappy-compressed <c>WriteRequest</c> with the headers remote-write 1.0 requires. As the specification
/// says, 5xx and 429 are retried (honouring Retry-After) and every other 4xx is not: its points are dropped and
/// counted by the reason the server gave (a 400 for out-of-order samples is <c>out_of_order</c>, not a retry loop).
/// </summary>
internal sealed class RemoteWriteSender : IRequestSender
{
    public const string ContentType = "application/x-protobuf";
    public const string ProtocolVersion = "0.1.0";
    private const int MaxErrorBodyChars = 1024;

    private static readonly ProductInfoHeaderValue UserAgent =
        new("agent", typeof(RemoteWriteSender).Assembly.GetName().Version?.ToString(3) ?? "0");

    private readonly string _exporter;
    private readonly Uri _endpoint;
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly ExporterTelemetry _telemetry;
    private readonly ILogger _logger;

    public RemoteWriteSender(string exporter, Uri endpoint, HttpClient http, IReadOnlyDictionary<string, string> headers, ExporterTelemetry telemetry, ILogger logger)
    {
        _exporter = exporter;
        _endpoint = endpoint;
        _http = http;
        _headers = headers;
        _telemetry = telemetry;
        _logger = logger;
    }

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        foreach (var (name, value) in _headers)
        {
            message.Headers.Remove(name);
            message.Headers.TryAddWithoutValidation(name, value);
        }

        message.Content = new ReadOnlyMemoryContent(request.Body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        message.Content.Headers.ContentEncoding.Add("snappy");
        message.Headers.Remove("X-Prometheus-Remote-Write-Version");
        message.Headers.TryAddWithoutValidation("X-Prometheus-Remote-Write-Version", ProtocolVersion);
        message.Headers.UserAgent.Clear();
        message.Headers.UserAgent.Add(UserAgent);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RetryableException($"remote write to {_endpoint} failed: {ex.Message}", null, ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return SendResult.Accepted;
            }

            int status = (int)response.StatusCode;
            string text = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            if (status == 429 || status >= 500)
            {
                throw new RetryableException($"remote write answered {status}: {text}", RetryAfter.Of(response, DateTimeOffset.UtcNow));
            }

            // Never retried: the whole request is refused, so all its points are counted under the server's reason.
            string reason = RemoteWriteRejection.Reason(status, text);
            _telemetry.SendFailed(Signal.Metrics, request.Items, reason);
            _logger.LogWarning("Exporter {Exporter}: remote write answered {Status} ({Reason}), dropped {Points} points: {Message}", _exporter, status, reason, request.Items, text);
            return new SendResult(request.Items, $"remote write refused the request ({reason})", CountedBySender: true);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body.TrimEnd();
        }
        catch (HttpRequestException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }
    }
}
