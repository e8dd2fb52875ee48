using Agent.Core.Delivery;
using Agent.Core.Memory;
using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// One request to a backend, encoded once when its batch was accepted: the body bytes, how many items they carry,
/// what the sender needs to post them (content type and encoding, tenant) and the key that picks its ordered shard.
/// Retries resend these same bytes. Everything but <see cref="Notifiers"/> has a byte form
/// (<see cref="ExportRequestFormat"/>); the notifiers tie the request to its sources in this process only.
/// </summary>
public sealed class ExportRequest
{
    private byte[]? _rented;
    private int _completed;

    /// <summary>A request over <paramref name="body"/>, which it does not own.</summary>
    public ExportRequest(Signal signal, int items, ReadOnlyMemory<byte> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        Signal = signal;
        Items = items;
        Body = body;
        MemoryBytes = body.Length;
    }

    public Signal Signal { get; }

    /// <summary>Spans, metric data points or log records in the body.</summary>
    public int Items { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// The memory the request holds: its whole pooled buffer (a power of two, up to twice the body), else the body.
    /// What a queue bounded in MiB must count to bound the process's memory.
    /// </summary>
    public int MemoryBytes { get; private init; }

    public string ContentType { get; init; } = string.Empty;

    /// <summary>The body's <c>Content-Encoding</c> (<c>gzip</c>), or null when it is sent as is.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The tenant the backend files the request under (Loki's <c>X-Scope-OrgID</c>), if any.</summary>
    public string? Tenant { get; init; }

    /// <summary>Requests with one key are sent in order, one at a time; null lets any consumer send it.</summary>
    public ulong? PartitionKey { get; init; }

    /// <summary>The sources to tell when the request is done; not part of the byte form.</summary>
    public RequestNotifiers Notifiers { get; set; } = RequestNotifiers.None;

    /// <summary>A request whose body is a copy of <paramref name="body"/> in a pooled buffer, given back on completion.</summary>
    public static ExportRequest Pooled(Signal signal, int items, ReadOnlySpan<byte> body, string contentType, string? tenant = null, ulong? partitionKey = null)
    {
        byte[] rented = HandOffPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        body.CopyTo(rented);
        return FromRented(signal, items, rented, body.Length, contentType, tenant, partitionKey);
    }

    /// <summary>A request over the first <paramref name="length"/> bytes of an array rented from <see cref="HandOffPool{T}.Shared"/>; it gives the array back on completion.</summary>
    public static ExportRequest FromRented(Signal signal, int items, byte[] rented, int length, string contentType, string? tenant = null, ulong? partitionKey = null, string? contentEncoding = null) =>
        new(signal, items, rented.AsMemory(0, length))
        {
            ContentType = contentType,
            ContentEncoding = contentEncoding,
            Tenant = tenant,
            PartitionKey = partitionKey,
            MemoryBytes = rented.Length,
            _rented = rented,
        };

    /// <summary>
    /// Ends the request: its sources learn <paramref name="status"/> and a pooled body goes back to the pool. Only the
    /// first call counts, so a request is never released twice.
    /// </summary>
    public void Complete(DeliveryStatus status)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        Notifiers.Complete(status);
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            HandOffPool<byte>.Shared.Return(rented);
        }
    }

    public override string ToString() => $"{Signal.ConfigName()} request of {Items} {Signal.ItemName()}, {Body.Length} bytes";
}
