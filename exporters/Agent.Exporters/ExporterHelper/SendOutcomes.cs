using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// How a request ended, told to its sources (through its notifiers), the exporter's metrics and the log: sent,
/// partly refused, refused for good, given up on after retries, or cut off by shutdown.
/// </summary>
internal sealed class SendOutcomes(ComponentId exporter, ExporterTelemetry telemetry, ILogger logger)
{
    private readonly string _exporter = exporter.ToString();

    public void Sent(ExportRequest request, SendResult result)
    {
        int items = request.Items;
        int rejected = (int)Math.Clamp(result.RejectedItems, 0, items);
        if (rejected > 0)
        {
            // The backend kept the rest: count only what it took as sent, and the refused items as dropped.
            logger.LogWarning("Exporter {Exporter}: the backend refused {Rejected} of {Items} {Signal}: {Error}", _exporter, rejected, items, request.Signal.ItemName(), result.Message);
            if (!result.CountedBySender)
            {
                telemetry.SendFailed(request.Signal, rejected, "partial_success");
            }
        }
        else if (!string.IsNullOrEmpty(result.Message))
        {
            logger.LogWarning("Exporter {Exporter}: the backend accepted {Items} {Signal} with a warning: {Warning}", _exporter, items, request.Signal.ItemName(), result.Message);
        }

        telemetry.Sent(request.Signal, items - rejected);

        // What the backend took is delivered; a request it refused whole can never be, so the source moves on.
        request.Complete(rejected > 0 && rejected >= items ? DeliveryStatus.Rejected : DeliveryStatus.Delivered);
    }

    public void Refused(ExportRequest request, Exception error)
    {
        logger.LogWarning("Exporter {Exporter} dropped {Items} {Signal} refused permanently: {Error}", _exporter, request.Items, request.Signal.ItemName(), error.Message);
        Fail(request, DeliveryStatus.Rejected, "permanent");
    }

    public void Stopped(ExportRequest request, Exception error)
    {
        logger.LogWarning("Exporter {Exporter} stopped before delivering {Items} {Signal}: {Error}", _exporter, request.Items, request.Signal.ItemName(), error.Message);
        Fail(request, DeliveryStatus.Errored, "shutdown");
    }

    public void GaveUp(ExportRequest request, Exception error)
    {
        logger.LogError("Exporter {Exporter} gave up on {Items} {Signal} after retries: {Error}", _exporter, request.Items, request.Signal.ItemName(), error.Message);
        Fail(request, DeliveryStatus.Errored, "retries_exhausted");
    }

    /// <summary>The queue is shut (or the deadline passed) before the request was sent.</summary>
    public void Unsent(ExportRequest request) => Fail(request, DeliveryStatus.Errored, "shutdown");

    /// <summary>The queue had no room (drop-newest) or the caller stopped waiting for room.</summary>
    public void NotQueued(ExportRequest request)
    {
        telemetry.EnqueueFailed(request.Signal, request.Items);
        request.Complete(DeliveryStatus.Errored);
    }

    private void Fail(ExportRequest request, DeliveryStatus status, string reason)
    {
        telemetry.SendFailed(request.Signal, request.Items, reason);
        request.Complete(status);
    }
}
