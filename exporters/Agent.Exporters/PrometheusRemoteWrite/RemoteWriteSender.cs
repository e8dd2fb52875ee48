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
        using var message = HttpPost.Message(_endpoint, request, ContentType, _headers);
        message.Content!.Headers.ContentEncoding.Add("snappy");
        HttpPost.SetHeader(message, "X-Prometheus-Remote-Write-Version", ProtocolVersion);
        message.Headers.UserAgent.Clear();
        message.Headers.UserAgent.Add(UserAgent);

        using (var response = await HttpPost.SendAsync(_http, message, $"remote write to {_endpoint}", cancellationToken).ConfigureAwait(false))
        {
            if (response.IsSuccessStatusCode)
            {
                return SendResult.Accepted;
            }

            int status = (int)response.StatusCode;
            string text = await HttpPost.ReadErrorAsync(response, MaxErrorBodyChars, cancellationToken).ConfigureAwait(false);
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
}
