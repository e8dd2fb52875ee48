namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// What a backend said about a request it accepted. OTLP lets a server take a request yet refuse some of its items
/// (<c>partial_success</c>), and Loki ingests the valid entries of a push it answers 400; refused items are
/// counted as dropped, not sent, and never retried. <paramref name="CountedBySender"/> is true when the sender
/// already counted them under its own reasons (Loki's too_old, line_too_long, ...).
/// </summary>
public readonly record struct SendResult(long RejectedItems, string? Message, bool CountedBySender = false)
{
    /// <summary>Everything was accepted.</summary>
    public static SendResult Accepted => default;
}
