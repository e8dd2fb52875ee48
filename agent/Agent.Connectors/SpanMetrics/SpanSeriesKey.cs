using OpenTelemetry.Proto.Common.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// What identifies a series within a resource, as read from one span: references into the span and a scratch array
/// of dimension values, so looking a series up builds no string and allocates nothing. Excluded default
/// dimensions are null (or -1) and so never tell series apart. A stored series keeps its own copy (<see cref="Keep"/>).
/// </summary>
internal readonly struct SpanSeriesKey
{
    public SpanSeriesKey(string? service, string? spanName, int kind, int status, AnyValue?[] dimensions)
    {
        Service = service;
        SpanName = spanName;
        Kind = kind;
        Status = status;
        Dimensions = dimensions;
        var hash = default(HashCode);
        hash.Add(service);
        hash.Add(spanName);
        hash.Add(kind);
        hash.Add(status);
        foreach (var value in dimensions)
        {
            // Protobuf's generated hash reads the value's content; an absent dimension hashes apart from any value.
            hash.Add(value is null ? -1 : value.GetHashCode());
        }

        Hash = hash.ToHashCode();
    }

    public string? Service { get; }

    public string? SpanName { get; }

    public int Kind { get; }

    public int Status { get; }

    public AnyValue?[] Dimensions { get; }

    public int Hash { get; }

    public bool Matches(in SpanSeriesKey other)
    {
        if (Hash != other.Hash || Kind != other.Kind || Status != other.Status ||
            !string.Equals(SpanName, other.SpanName, StringComparison.Ordinal) ||
            !string.Equals(Service, other.Service, StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 0; i < Dimensions.Length; i++)
        {
            var mine = Dimensions[i];
            var theirs = other.Dimensions[i];
            if (mine is null ? theirs is not null : !mine.Equals(theirs))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A copy that owns its dimension values, for a new series: the span's batch goes on without it.</summary>
    public SpanSeriesKey Keep() =>
        new(Service, SpanName, Kind, Status, [.. Dimensions.Select(v => v?.Clone())]);
}
