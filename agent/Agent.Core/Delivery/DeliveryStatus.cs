namespace Agent.Core.Delivery;

/// <summary>How a batch ended. Ordered by severity: a notifier keeps the worst status it was given.</summary>
public enum DeliveryStatus
{
    /// <summary>Every exporter delivered it, or a processor dropped it on purpose.</summary>
    Delivered = 0,

    /// <summary>A transient failure outlived its retries, or the pipeline was shut down first: the source may try again.</summary>
    Errored = 1,

    /// <summary>A backend refused it permanently (bad data): trying again will not help.</summary>
    Rejected = 2,
}
