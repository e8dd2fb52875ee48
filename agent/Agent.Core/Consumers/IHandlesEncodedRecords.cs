namespace Agent.Core.Consumers;

/// <summary>
/// A pipeline component that works with batches whose records are still encoded (an OTLP request whose resources
/// are decoded and whose spans, data points and log records are the bytes they arrived in): it touches resources,
/// counts, merges, splits or writes the request, and never reads <c>Data</c>. The topology asks every component
/// behind a receiver; when all of them say true, the <c>otlp</c> receiver leaves the records encoded (see
/// <see cref="Model.TracesBatch.IsEncoded"/>). Reading <c>Data</c> anyway stays correct: it decodes then.
/// </summary>
public interface IHandlesEncodedRecords
{
    /// <summary>True when this component never needs a batch's records decoded.</summary>
    bool HandlesEncodedRecords { get; }
}
