namespace Agent.Exporters.Sending;

/// <summary>
/// The peer took the request but refused some of its items for good (Loki's "total ignored: N out of M", OTLP's
/// partial_success): retrying cannot help them, and the rest arrived. The sender has already counted the refused
/// items in <c>otelcol_exporter_send_failed_*</c> with its own reasons; the sending queue counts the others as sent
/// and completes the batch as delivered, or as rejected when nothing was accepted.
/// </summary>
public sealed class ItemsRefusedException : Exception
{
    public ItemsRefusedException(int refusedItems, string message)
        : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(refusedItems);
        RefusedItems = refusedItems;
    }

    public ItemsRefusedException()
    {
    }

    public ItemsRefusedException(string message)
        : base(message)
    {
    }

    public ItemsRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>How many items the peer refused (already counted by the sender).</summary>
    public int RefusedItems { get; }
}
