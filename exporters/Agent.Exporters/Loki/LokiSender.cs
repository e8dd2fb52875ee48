using System.Net;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Loki;

/// <summary>
/// Posts one encoded push to Loki. 408, 429 and 5xx are retryable (with Retry-After); a 400 refuses only the entries
/// it names, which are counted by Loki's reason while the rest count as delivered; any other status refuses the push.
/// </summary>
internal sealed class LokiSender(string exporter, Uri pushUri, HttpClient http, IReadOnlyDictionary<string, string> headers, ExporterTelemetry telemetry, ILogger logger)
    : IRequestSender
{
    private const int MaxErrorBodyChars = 4096;
    private const string TenantHeader = "X-Scope-OrgID";

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        using var message = HttpPost.Message(pushUri, request, request.ContentType, headers);
        if (request.Tenant is not null)
        {
            HttpPost.SetHeader(message, TenantHeader, request.Tenant);
        }

        var answer = await HttpPost.PostAsync(http, message, $"push to {pushUri}", "Loki", MaxErrorBodyChars, IsRetryable, cancellationToken).ConfigureAwait(false);
        if (answer is not { } refusal)
        {
            return SendResult.Accepted;
        }

        // The refused entries are counted here, by Loki's reasons.
        int refused = CountRefused(request.Items, refusal.Status, refusal.Text);
        return refused > 0
            ? new SendResult(refused, $"Loki refused {refused} of {request.Items} entries", CountedBySender: true)
            : SendResult.Accepted;
    }

    private static bool IsRetryable(int status) => status is 408 or 429 || status >= 500;

    private int CountRefused(int entries, int status, string message)
    {
        var refusals = status == (int)HttpStatusCode.BadRequest ? LokiRejection.Parse(message) : null;
        int refused = 0;
        if (refusals is null)
        {
            // Nothing says which entries: none of this push's entries can be taken as stored.
            refused = entries;
            string reason = status == (int)HttpStatusCode.BadRequest ? LokiRejection.Reason(message) : $"http_{status}";
            telemetry.SendFailed(Signal.Logs, refused, reason);
        }
        else
        {
            foreach (var (count, reason) in refusals)
            {
                int counted = Math.Min(count, entries - refused);
                refused += counted;
                telemetry.SendFailed(Signal.Logs, counted, reason);
            }
        }

        logger.LogWarning("Exporter {Exporter}: Loki answered {Status} and refused {Refused} of {Entries} entries: {Message}", exporter, status, refused, entries, message);
        return refused;
    }
}
