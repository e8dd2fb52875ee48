using Agent.Core.Delivery;

namespace Agent.Core.Receiving;

/// <summary>How handing one batch to the pipeline ended, in the terms a receiver answers its client with.</summary>
public enum ReceiveOutcome
{
    /// <summary>The pipeline took the batch (and, for a receiver that waits for delivery, delivered it).</summary>
    Accepted,

    /// <summary>Refused for good (bad data): the client must not send it again (400 / INVALID_ARGUMENT).</summary>
    Rejected,

    /// <summary>Not taken or not delivered this time (full, failing, cancelled, shutting down): try again later.</summary>
    Retryable,
}

/// <param name="Outcome">What to tell the client.</param>
/// <param name="Message">Why, when it was not accepted; empty otherwise.</param>
/// <param name="Delivery">
/// The batch's fate: resolves once every holder is done with it (at once, as errored, when it was not taken), for a
/// source that acknowledges later (a file tailer commits its checkpoint on it).
/// </param>
public readonly record struct ReceiveResult(ReceiveOutcome Outcome, string Message, Task<DeliveryStatus> Delivery);
