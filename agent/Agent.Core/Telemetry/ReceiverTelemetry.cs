using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Core.Telemetry;

/// <summary>A receiver's own metrics, under the Collector's names and its <c>receiver</c> and <c>transport</c> labels.</summary>
public sealed class ReceiverTelemetry
{
    private readonly LabeledMetrics<TransportSignal, ICounter> _accepted;
    private readonly LabeledMetrics<TransportSignal, ICounter> _refused;
    private readonly LabeledMetrics<string, ICounter> _rejectedRequests;
    private readonly LabeledMetrics<string, ICounter> _limitedAttributes;
    private readonly LabeledMetrics<string, ICounter> _droppedReferences;
    private readonly LabeledMetrics<string, ICounter> _malformedLines;
    private readonly ICounter _truncatedLines;
    private readonly LabeledMetrics<string, ICounter> _skippedFiles;
    private readonly Lazy<FileTailingGauges> _tailing;
    private readonly Lazy<ICounter> _tlsReloadFailures;
    private readonly Lazy<ICounter> _watchFailures;

    public ReceiverTelemetry(ITelemetryRegistry registry, ComponentId receiver)
    {
        string id = receiver.ToString();
        string[] signalLabels = ["receiver", "transport"];
        string[] reasonLabels = ["receiver", "reason"];
        _accepted = new(key => registry.Counter(
            $"otelcol_receiver_accepted_{key.Signal.ItemName()}_total", "Items the receiver pushed into the pipeline.", signalLabels, [id, key.Transport]));
        _refused = new(key => registry.Counter(
            $"otelcol_receiver_refused_{key.Signal.ItemName()}_total", "Items the receiver could not push into the pipeline.", signalLabels, [id, key.Transport]));
        _rejectedRequests = new(reason => registry.Counter(
            "agent_receiver_requests_rejected_total", "Requests refused before decoding, by reason (bad content, too large, ...).", reasonLabels, [id, reason]));
        _limitedAttributes = new(reason => registry.Counter(
            "agent_receiver_attributes_limited_total", "Attributes a receiver dropped past its attribute count limit (reason=count) or whose value it cut to its length limit (reason=length).", reasonLabels, [id, reason]));
        _droppedReferences = new(kind => registry.Counter(
            "agent_receiver_references_dropped_total", "Span links (kind=links) and exemplars (kind=exemplars) a receiver left out because a trace or span id in them had the wrong length; the span or data point holding them is kept.", ["receiver", "kind"], [id, kind]));
        _malformedLines = new(reason => registry.Counter(
            "agent_receiver_malformed_lines_total", "Log lines a file receiver skipped because it could not parse them, by reason.", reasonLabels, [id, reason]));
        _truncatedLines = registry.Counter(
            "agent_receiver_truncated_lines_total", "Log records a file receiver cut at its maximum record size.", ["receiver"], [id]);
        _skippedFiles = new(reason => registry.Counter(
            "agent_receiver_files_skipped_total", "Paths a file receiver's globs matched but that it did not tail, by reason (not_regular_file, unreadable); counted once each time a path starts being skipped.", reasonLabels, [id, reason]));

        // Made on first use, so receivers that tail no files do not show these gauges.
        _tailing = new(() => new FileTailingGauges(registry, id));
        _tlsReloadFailures = new(() => registry.Counter(
            "agent_receiver_tls_reload_failures_total", "Times a server's changed certificate or key could not be loaded; the previous one stays in use.", ["receiver"], [id]));
        _watchFailures = new(() => registry.Counter(
            "agent_receiver_file_watch_failures_total", "Directories a file receiver could not watch for new and rotated files (inotify limits, errors); it polls them instead.", ["receiver"], [id]));
    }

    public void Accepted(string transport, Signal signal, int items) => _accepted[new(transport, signal)].Add(items);

    public void Refused(string transport, Signal signal, int items) => _refused[new(transport, signal)].Add(items);

    /// <summary>A request refused before its data was decoded (malformed, too large, wrong content type).</summary>
    public void RequestRejected(string reason) => _rejectedRequests[reason].Add(1);

    /// <summary>Attributes dropped (<c>count</c>) or cut (<c>length</c>) by the receiver's attribute limits.</summary>
    public void AttributesLimited(string reason, int attributes) => _limitedAttributes[reason].Add(attributes);

    /// <summary>Links or exemplars left out for ids of the wrong length (<paramref name="kind"/>: links, exemplars).</summary>
    public void ReferencesDropped(string kind, int count) => _droppedReferences[kind].Add(count);

    public void MalformedLine(string reason) => _malformedLines[reason].Add(1);

    public void TruncatedLine() => _truncatedLines.Add(1);

    /// <summary>A changed certificate, key or client CA file could not be loaded; the listener keeps the previous ones.</summary>
    public void TlsReloadFailed() => _tlsReloadFailures.Value.Add(1);

    /// <summary>A matched path a file receiver will not tail (a FIFO, a file it may not read).</summary>
    public void FileSkipped(string reason) => _skippedFiles[reason].Add(1);

    /// <summary>A directory a file receiver could not watch for changes; it polls it instead.</summary>
    public void FileWatchFailed() => _watchFailures.Value.Add(1);

    /// <summary>How far a file receiver is behind its files, as of its last poll.</summary>
    public void TailingLag(int files, long unreadBytes, long unacknowledgedBytes, long budgetHeldBytes) =>
        _tailing.Value.Set(files, unreadBytes, unacknowledgedBytes, budgetHeldBytes);

    /// <summary>
    /// The key of the per-call counters. A named struct rather than a tuple of a string and the signal: the native
    /// binary compiles a dictionary keyed by a tuple holding a reference type as shared code that looks its
    /// comparers up at run time on every call. The count took 1 % of the agent's samples at 10k points/s with the
    /// tuple, a third of that with this key (benchmarks/README.md).
    /// </summary>
    private readonly record struct TransportSignal(string Transport, Signal Signal);
}
