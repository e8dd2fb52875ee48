using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;

namespace Agent.Core.Processing;

/// <summary>
/// The processor helper (the Collector's <c>processorhelper</c>): a processor says what it does to one batch in
/// <see cref="Process"/>; this base passes the result on to the next stage, keeps the <see cref="IConsumer{TBatch}"/>
/// rule that a call which throws has already completed its batch, and counts in
/// <c>otelcol_processor_dropped_&lt;items&gt;_total</c> what the processor dropped (<c>reason="filtered"</c>, with what
/// it reports through <see cref="CountFiltered"/>) or failed on (<c>reason="refused"</c>), and in
/// <c>otelcol_processor_refused_&lt;items&gt;_total</c> what it refused with a <see cref="RetryableException"/> (the
/// source keeps those items and sends them again). Start and shutdown do
/// nothing unless overridden.
/// </summary>
public abstract class Processor<TBatch> : IProcessor<TBatch>
    where TBatch : Batch
{
    private readonly IConsumer<TBatch> _next;
    private readonly ProcessorTelemetry _telemetry;

    /// <param name="context">The processor's id and host: its drops are counted under its id.</param>
    /// <param name="next">The stage the processed batch goes to.</param>
    /// <param name="mutatesData">
    /// True when <see cref="Process"/> changes the batch in place (or removes from it): a fan-out then gives this
    /// processor its own copy. A processor that only reads must say false, or every batch is copied for nothing.
    /// </param>
    protected Processor(ComponentContext context, IConsumer<TBatch> next, bool mutatesData)
    {
        _next = next;
        _telemetry = context.ProcessorTelemetry();
        Id = context.Id;
        MutatesData = mutatesData;
    }

    public bool MutatesData { get; }

    protected ComponentId Id { get; }

    public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        // Nothing is counted on the way through: most batches just pass, and only drops and refusals are metrics.
        TBatch? result;
        try
        {
            result = Process(batch);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(Refuse(batch, ex));
        }

        if (result is null)
        {
            Drop(batch);
            return ValueTask.CompletedTask;
        }

        return _next.ConsumeAsync(result, cancellationToken);
    }

    /// <summary>Counts items <see cref="Process"/> removed from a batch it passes on (a filter that keeps the rest).</summary>
    protected void CountFiltered(TBatch batch, int items) => _telemetry.Dropped(batch.Signal, items, "filtered");

    /// <summary>
    /// Does the processor's work on one batch. Return it (changed or not; a new batch must carry its notifiers; a
    /// batch changed in place other than through its resources needs <see cref="Batch.ContentChanged"/>) to pass it on, or null to drop it (it is completed as delivered: dropped on purpose, not lost). Throw to refuse
    /// it: the caller gets the exception, and the batch is completed as rejected for a
    /// <see cref="PermanentException"/>, else as errored. Synchronous on purpose: the coming processors (enrichment
    /// from a cache, job mapping, a memory limiter that refuses) never wait, and a batch then costs no state machine.
    /// </summary>
    protected abstract TBatch? Process(TBatch batch);

    public override string ToString() => $"{Id} processor";

    private void Drop(TBatch batch)
    {
        CountFiltered(batch, batch.ItemCount);
        batch.Complete(DeliveryStatus.Delivered);
        batch.ReleaseData();
    }

    /// <summary>What is left of the batch when the processor threw is what the caller loses, unless told to retry it.</summary>
    private Exception Refuse(TBatch batch, Exception error)
    {
        if (error is RetryableException)
        {
            _telemetry.Refused(batch.Signal, batch.ItemCount);
        }
        else
        {
            _telemetry.Dropped(batch.Signal, batch.ItemCount, "refused");
        }

        batch.Complete(error is PermanentException ? DeliveryStatus.Rejected : DeliveryStatus.Errored);
        batch.ReleaseData();
        return error;
    }
}
