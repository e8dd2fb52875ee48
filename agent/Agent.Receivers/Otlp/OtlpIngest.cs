using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Otlp;

/// <summary>How an export request ended, in the terms both front ends answer with.</summary>
internal enum ExportOutcome
{
    /// <summary>Delivered (or nothing to deliver): answer success, with the partial success if some items were dropped.</summary>
    Accepted,

    /// <summary>Refused for good: 400 / INVALID_ARGUMENT, the client must not retry.</summary>
    Rejected,

    /// <summary>Not delivered this time (pipeline full, exporter failing, shutting down): 503 / UNAVAILABLE, retry.</summary>
    Unavailable,
}

internal readonly record struct ExportResult<TResponse>(ExportOutcome Outcome, TResponse Response, string Message);

/// <summary>
/// The acknowledgement and backpressure logic shared by the gRPC and HTTP front ends: a request becomes a batch
/// with a notifier, waits a bounded time for room in the pipeline, then waits for the batch's fate, and the answer
/// says whether the sender should retry. Success is answered only once every exporter has the data.
/// </summary>
internal sealed class OtlpIngest
{
    private readonly string _receiver;
    private readonly ReceiverTelemetry _telemetry;
    private readonly TimeSpan _backpressureTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abandon = new();

    public OtlpIngest(string receiver, ReceiverTelemetry telemetry, TimeSpan backpressureTimeout, ILogger logger)
    {
        _receiver = receiver;
        _telemetry = telemetry;
        _backpressureTimeout = backpressureTimeout;
        _logger = logger;
    }

    public ReceiverTelemetry Telemetry => _telemetry;

    /// <summary>The shutdown deadline passed: requests still waiting give up and answer UNAVAILABLE.</summary>
    public void Abandon() => _abandon.Cancel();

    public async Task<ExportResult<TResponse>> ExportAsync<TRequest, TResponse, TBatch>(
        OtlpSignal<TRequest, TResponse, TBatch> signal,
        IConsumer<TBatch> consumer,
        TRequest request,
        string transport,
        CancellationToken requestAborted)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        int invalid = signal.RemoveInvalid(request);
        var response = new TResponse();
        if (invalid > 0)
        {
            _telemetry.Refused(transport, signal.Signal, invalid);
            response = signal.PartialSuccess(invalid, $"{invalid} {signal.Signal.ItemName()} had a trace or span id of the wrong length (16 and 8 bytes)");
        }

        var batch = signal.ToBatch(request);
        int items = batch.ItemCount;
        if (items == 0)
        {
            return new(ExportOutcome.Accepted, response, string.Empty);
        }

        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _abandon.Token);
        var (outcome, message) = await PushAsync(consumer, batch, waiting.Token).ConfigureAwait(false)
            ?? await AwaitDeliveryAsync(notifier, waiting.Token, requestAborted).ConfigureAwait(false);

        if (outcome == ExportOutcome.Accepted)
        {
            _telemetry.Accepted(transport, signal.Signal, items);
        }
        else
        {
            _telemetry.Refused(transport, signal.Signal, items);
            _logger.LogDebug("Receiver {Receiver} refused {Items} {Signal} over {Transport}: {Reason}", _receiver, items, signal.Signal.ItemName(), transport, message);
        }

        return new(outcome, response, message);
    }

    /// <summary>Hands the batch over; a result means it was not taken (the consumer completed it as errored).</summary>
    private async Task<(ExportOutcome, string)?> PushAsync<TBatch>(IConsumer<TBatch> consumer, TBatch batch, CancellationToken waiting)
        where TBatch : Batch
    {
        using var room = CancellationTokenSource.CreateLinkedTokenSource(waiting);
        room.CancelAfter(_backpressureTimeout);
        try
        {
            await consumer.ConsumeAsync(batch, room.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (room.IsCancellationRequested)
        {
            return (ExportOutcome.Unavailable, waiting.IsCancellationRequested
                ? "the request was cancelled before the pipeline took it"
                : "the pipeline is full; retry later");
        }
        catch (PermanentException ex)
        {
            return (ExportOutcome.Rejected, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Receiver {Receiver} could not pass a batch on: {Error}", _receiver, ex.Message);
            return (ExportOutcome.Unavailable, ex.Message);
        }
    }

    private async Task<(ExportOutcome, string)> AwaitDeliveryAsync(BatchNotifier notifier, CancellationToken waiting, CancellationToken requestAborted)
    {
        try
        {
            return await notifier.Completion.WaitAsync(waiting).ConfigureAwait(false) switch
            {
                DeliveryStatus.Delivered => (ExportOutcome.Accepted, string.Empty),
                DeliveryStatus.Rejected => (ExportOutcome.Rejected, "the data was refused permanently by an exporter"),
                _ => (ExportOutcome.Unavailable, "the data could not be delivered; retry later"),
            };
        }
        catch (OperationCanceledException)
        {
            return (ExportOutcome.Unavailable, requestAborted.IsCancellationRequested
                ? "the request was cancelled before the data was delivered"
                : "the receiver is shutting down; retry later");
        }
    }
}
