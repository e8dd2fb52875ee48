using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Receiving;

/// <summary>
/// The receiver helper (the Collector's <c>receiverhelper</c>): what every receiver does with a batch it built. It
/// attaches a fresh <see cref="BatchNotifier"/>, sets the client's <see cref="Batch.Context"/>, hands the batch to
/// the next consumer and awaits it (backpressure: a full pipeline makes the receiver wait, up to
/// <c>backpressureTimeout</c>; once one wait ran out, later batches of that signal are refused at once while one
/// probe waits, see <see cref="PipelineSaturation"/>), optionally waits for delivery (always, never, or when what it
/// hands the batch to acknowledges on disk, see <see cref="IAcknowledgesOnDisk"/>), and counts the items in
/// <c>otelcol_receiver_accepted_*</c> (the pipeline took them) or <c>otelcol_receiver_refused_*</c> (it did not) under the
/// receiver's id and the transport.
/// Every wait gives up when the receiver's shutdown deadline passes (<see cref="AbandonWhen"/>).
/// </summary>
public sealed class ReceiverHelper
{
    /// <summary>The answer to a batch refused because the pipeline stayed full.</summary>
    public const string PipelineFull = "the pipeline is full; retry later";

    private readonly string _receiver;
    private readonly ILogger _logger;
    private readonly bool? _awaitDelivery;
    private readonly TimeSpan _backpressureTimeout;
    private readonly CancellationTokenSource _abandon = new();
    private readonly PipelineSaturation[] _saturation = [new(), new(), new()];

    /// <param name="context">The receiver's id and host: counts go under its id.</param>
    /// <param name="logger">The receiver's logger.</param>
    /// <param name="awaitDelivery">
    /// True: answer only once every exporter is done with the batch (a receiver that answers its client then).
    /// False: once the pipeline took it (a source that follows <see cref="ReceiveResult.Delivery"/> itself).
    /// Null: wait exactly when the consumer handed the batch acknowledges on disk (every exporter behind it has a
    /// persistent queue), so the answer comes once the data would survive a killed process, and at acceptance otherwise.
    /// </param>
    /// <param name="backpressureTimeout">How long to wait for room in a full pipeline; null waits until cancelled.</param>
    public ReceiverHelper(ComponentContext context, ILogger logger, bool? awaitDelivery = false, TimeSpan? backpressureTimeout = null)
    {
        _receiver = context.Id.ToString();
        _logger = logger;
        _awaitDelivery = awaitDelivery;
        _backpressureTimeout = backpressureTimeout ?? Timeout.InfiniteTimeSpan;
        Telemetry = context.ReceiverTelemetry();
    }

    /// <summary>The receiver's own counters, for what it counts itself (requests refused before decoding, ...).</summary>
    public ReceiverTelemetry Telemetry { get; }

    /// <summary>
    /// True while a batch of <paramref name="signal"/> would be refused at once as the pipeline is full, so a
    /// receiver may refuse a request before reading its body (counting it as a rejected request, as items are unknown).
    /// </summary>
    public bool RefusesAtOnce(Signal signal) =>
        _backpressureTimeout != Timeout.InfiniteTimeSpan && _saturation[(int)signal].RefusesNow;

    /// <summary>Fires once the shutdown deadline passed: sources still waiting on the pipeline give up.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    /// <summary>Abandons every wait when <paramref name="shutdownDeadline"/> fires; dispose the registration once stopped.</summary>
    public CancellationTokenRegistration AbandonWhen(CancellationToken shutdownDeadline) =>
        shutdownDeadline.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abandon);

    /// <summary>
    /// Hands <paramref name="batch"/> to <paramref name="next"/>; ownership passes with the call. An empty batch is
    /// accepted at once and not handed on. <paramref name="cancellationToken"/> is the source's own reason to stop waiting (the client went away,
    /// the receiver is stopping).
    /// </summary>
    public async Task<ReceiveResult> ReceiveAsync<TBatch>(
        IConsumer<TBatch> next, TBatch batch, string transport, ClientContext client, CancellationToken cancellationToken)
        where TBatch : Batch
    {
        var signal = batch.Signal;
        int items = batch.ItemCount;
        if (items == 0)
        {
            // Nothing to deliver (an empty export request): taken as it is, and nothing to count.
            return new(ReceiveOutcome.Accepted, string.Empty, Task.FromResult(DeliveryStatus.Delivered));
        }

        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        batch.Context = client;

        // Read before and after the hand-over: a reload that swaps the pipelines meanwhile makes it wait if either
        // side acknowledges on disk, never answer early for data that went into a pipeline that does.
        bool onDiskBefore = AcknowledgesOnDisk(next);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandon.Token);
        if (await HandOverAsync(next, batch, waiting.Token).ConfigureAwait(false) is { } notTaken)
        {
            var (refused, why) = notTaken;
            Telemetry.Refused(transport, signal, items);
            _logger.LogDebug("Receiver {Receiver} refused {Items} {Signal} over {Transport}: {Reason}", _receiver, items, signal.ItemName(), transport, why);
            return new(refused, why, notifier.Completion);
        }

        // Taken by the pipeline is accepted, whatever the answer after waiting for delivery: from here the exporters
        // count each item once, sent or failed, so an item is never both refused here and sent there.
        Telemetry.Accepted(transport, signal, items);
        var (outcome, message) = _awaitDelivery ?? (onDiskBefore || AcknowledgesOnDisk(next))
            ? await AwaitDeliveryAsync(notifier, waiting.Token, cancellationToken).ConfigureAwait(false)
            : (ReceiveOutcome.Accepted, string.Empty);
        return new(outcome, message, notifier.Completion);
    }

    private bool AcknowledgesOnDisk<TBatch>(IConsumer<TBatch> next)
        where TBatch : Batch =>
        _awaitDelivery is null && next is IAcknowledgesOnDisk { AcknowledgesOnDisk: true };

    /// <summary>Null once the pipeline took the batch; else why not (the consumer completed it, by contract).</summary>
    private async Task<(ReceiveOutcome, string)?> HandOverAsync<TBatch>(IConsumer<TBatch> next, TBatch batch, CancellationToken waiting)
        where TBatch : Batch
    {
        // Without a backpressure timeout the wait ends only with the source's own token: no extra source per batch.
        if (_backpressureTimeout == Timeout.InfiniteTimeSpan)
        {
            return await TryConsumeAsync(next, batch, room: null, waiting).ConfigureAwait(false);
        }

        var saturation = _saturation[(int)batch.Signal];
        var admission = saturation.Admit();
        if (admission == PipelineSaturation.Admission.RefuseNow)
        {
            batch.Complete(DeliveryStatus.Errored);
            batch.ReleaseData();
            return (ReceiveOutcome.Retryable, PipelineFull);
        }

        using var room = CancellationTokenSource.CreateLinkedTokenSource(waiting);
        var notTaken = await TryConsumeAsync(next, batch, room, waiting).ConfigureAwait(false);
        saturation.Ended(admission, taken: notTaken is null, timedOut: room.IsCancellationRequested && !waiting.IsCancellationRequested);
        return notTaken;
    }

    /// <param name="room">Cancelled once the backpressure timeout runs out; null waits as long as <paramref name="waiting"/>.</param>
    private async Task<(ReceiveOutcome, string)?> TryConsumeAsync<TBatch>(
        IConsumer<TBatch> next, TBatch batch, CancellationTokenSource? room, CancellationToken waiting)
        where TBatch : Batch
    {
        var giveUp = room?.Token ?? waiting;
        try
        {
            var consuming = next.ConsumeAsync(batch, giveUp);
            if (!consuming.IsCompleted)
            {
                // The clock starts only when the pipeline has no room at once: most batches are taken without a wait,
                // and then no timer is armed and disarmed per request.
                room?.CancelAfter(_backpressureTimeout);
            }

            await consuming.ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            return (ReceiveOutcome.Retryable, waiting.IsCancellationRequested
                ? "the request was cancelled before the pipeline took it"
                : PipelineFull);
        }
        catch (PermanentException ex)
        {
            return (ReceiveOutcome.Rejected, ex.Message);
        }
        catch (RetryableException ex)
        {
            // A stage said "not now" on purpose (memory limiter, full queue): counted as refused, no warning per request.
            return (ReceiveOutcome.Retryable, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Receiver {Receiver} could not pass a batch on: {Error}", _receiver, ex.Message);
            return (ReceiveOutcome.Retryable, ex.Message);
        }
    }

    private static async Task<(ReceiveOutcome, string)> AwaitDeliveryAsync(BatchNotifier notifier, CancellationToken waiting, CancellationToken cancellationToken)
    {
        try
        {
            return await notifier.Completion.WaitAsync(waiting).ConfigureAwait(false) switch
            {
                DeliveryStatus.Delivered => (ReceiveOutcome.Accepted, string.Empty),
                DeliveryStatus.Rejected => (ReceiveOutcome.Rejected, "the data was refused permanently by an exporter"),
                _ => (ReceiveOutcome.Retryable, "the data could not be delivered; retry later"),
            };
        }
        catch (OperationCanceledException)
        {
            return (ReceiveOutcome.Retryable, cancellationToken.IsCancellationRequested
                ? "the request was cancelled before the data was delivered"
                : "the receiver is shutting down; retry later");
        }
    }
}
