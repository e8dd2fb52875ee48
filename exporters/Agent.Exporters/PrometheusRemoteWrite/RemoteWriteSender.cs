using System.Net.Http.Headers;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Posts one snappy-compressed <c>WriteRequest</c> with the headers remote-write 1.0 requires. As the specification
/// says, 5xx and 429 are retried (honouring Retry-After) and every other 4xx is not: its points are dropped and
/// counted by the reason the server gave (a 400 for out-of-order samples is <c>out_of_order</c>, not a retry loop).
/// </summary>
internal sealed class RemoteWriteSender(string exporter, Uri endpoint, HttpClient http, IReadOnlyDictionary<string, string> headers, ExporterTelemetry telemetry, ILogger logger)
    : IRequestSender
{
    public const string ContentType = "application/x-protobuf";
    public const string ProtocolVersion = "0.1.0";
    private const int MaxErrorBodyChars = 1024;

    private static readonly ProductInfoHeaderValue UserAgent =
        new("agent", typeof(RemoteWriteSender).Assembly.GetName().Version?.ToString(3) ?? "0");

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        using var message = HttpPost.Message(endpoint, request, ContentType, headers);
        message.Content!.Headers.ContentEncoding.Add("snappy");
        HttpPost.SetHeader(message, "X-Prometheus-Remote-Write-Version", ProtocolVersion);
        message.Headers.UserAgent.Clear();
        message.Headers.UserAgent.Add(UserAgent);

        var answer = await HttpPost.PostAsync(http, message, $"remote write to {endpoint}", "remote write", MaxErrorBodyChars, IsRetryable, cancellationToken).ConfigureAwait(false);
        if (answer is not { } refusal)
        {
            return SendResult.Accepted;
        }

        // Never retried: the whole request is refused, so all its points are counted under the server's reason.
        string reason = RemoteWriteRejection.Reason(refusal.Status, refusal.Text);
        telemetry.SendFailed(Signal.Metrics, request.Items, reason);
        logger.LogWarning("Exporter {Exporter}: remote write answered {Status} ({Reason}), dropped {Points} points: {Message}", exporter, refusal.Status, reason, request.Items, refusal.Text);
        return new SendResult(request.Items, $"remote write refused the request ({reason})", CountedBySender: true);
    }

    private static bool IsRetryable(int status) => status == 429 || status >= 500;
}
