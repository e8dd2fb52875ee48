using System.Net;

namespace Agent.Core.Model;

/// <summary>
/// Who sent a batch: the client's peer address and, when the receiver was asked to keep them
/// (<c>include_metadata</c>), its request headers. Processors read it (the Kubernetes processor associates OTLP data
/// with a pod by peer address); it travels with the batch and its copies and parts.
/// </summary>
public sealed class ClientContext
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoMetadata =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    public ClientContext(IPAddress? peerAddress, IReadOnlyDictionary<string, IReadOnlyList<string>>? metadata = null)
    {
        PeerAddress = peerAddress;
        Metadata = metadata ?? NoMetadata;
    }

    /// <summary>No known client: data read by the agent itself (files, scrapes).</summary>
    public static ClientContext Empty { get; } = new(null);

    public IPAddress? PeerAddress { get; }

    /// <summary>Header values by name, compared without case; empty unless the receiver keeps metadata.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Metadata { get; }

    /// <summary>
    /// The context of a batch merged from two: kept when both came from the same client (equal address and
    /// metadata), else <see cref="Empty"/>, so a processor never attributes one client's data to another.
    /// </summary>
    public static ClientContext Merge(ClientContext first, ClientContext second) =>
        ReferenceEquals(first, second) || first.SameClientAs(second) ? first : Empty;

    /// <summary>Same peer address and the same metadata values under the same names.</summary>
    public bool SameClientAs(ClientContext other)
    {
        if (!Equals(PeerAddress, other.PeerAddress) || Metadata.Count != other.Metadata.Count)
        {
            return false;
        }

        foreach (var (name, values) in Metadata)
        {
            if (!other.Metadata.TryGetValue(name, out var otherValues) || !values.SequenceEqual(otherValues, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => PeerAddress?.ToString() ?? "(no client)";
}
