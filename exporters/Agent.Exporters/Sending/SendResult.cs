using Agent.Core.Model;

namespace Agent.Exporters.Sending;

/// <summary>
/// What a backend said about a batch it accepted. OTLP lets a server take a request yet refuse some of its items
/// (<c>partial_success</c>), and Loki ingests the valid entries of a push it answers 400; refused items are
/// counted as dropped, not sent, and never retried. <paramref name="CountedBySender"/> is true when the sender
/// already counted them under its own reasons (Loki's too_old, line_too_long, ...).
/// </summary>
public readonly record struct SendResult(long RejectedItems, string? Message, bool CountedBySender = false)
{
    /// <summary>Everything was accepted.</summary>
    public static SendResult Accepted => default;
}

/// <summary>Like <see cref="SendBatch{TBatch}"/>, for backends that can accept a batch only in part.</summary>
public delegate ValueTask<SendResult> SendBatchWithResult<in TBatch>(TBatch batch, CancellationToken cancellationToken)
    where TBatch : Batch;
