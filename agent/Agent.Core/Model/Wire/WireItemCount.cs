namespace Agent.Core.Model.Wire;

/// <summary>
/// Counts the items of encoded OTLP scope groups by walking their bytes, allocating nothing: spans and log records
/// are field 2 of their scope group; for metrics the items are data points, as in the decoded count: a metric is
/// field 2 of ScopeMetrics, and its data (gauge 5, sum 7, histogram 9, exponential histogram 10, summary 11, a
/// oneof) holds its points as field 1.
/// </summary>
internal static class WireItemCount
{
    private const int ItemsField = 2;
    private const int DataPointsField = 1;

    public static int Of(WireRequest request, Signal signal)
    {
        int count = 0;
        foreach (var group in request.Groups)
        {
            count += OfGroup(group, signal);
        }

        return count;
    }

    public static int OfGroup(WireResourceGroup group, Signal signal)
    {
        int count = 0;
        var scopes = group.Scopes;
        for (int i = 0; i < scopes.Count; i++)
        {
            count += OfScope(scopes[i].Span, signal);
        }

        return count;
    }

    public static int OfScope(ReadOnlySpan<byte> scope, Signal signal)
    {
        int count = 0;
        var reader = new WireReader(scope);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (field == ItemsField && wireType == WireReader.LengthDelimited)
            {
                count += signal == Signal.Metrics ? DataPointsOf(content) : 1;
            }
        }

        return count;
    }

    /// <summary>
    /// The points of one metric. A oneof set twice keeps the last case, and a message field repeated on the wire is
    /// merged, so its points add up: the count follows what a parser makes of it.
    /// </summary>
    private static int DataPointsOf(ReadOnlySpan<byte> metric)
    {
        int count = 0;
        int dataField = 0;
        var reader = new WireReader(metric);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (wireType != WireReader.LengthDelimited || !IsDataField(field))
            {
                continue;
            }

            if (field != dataField)
            {
                (dataField, count) = (field, 0);
            }

            count += CountField(content, DataPointsField);
        }

        return count;
    }

    private static bool IsDataField(int field) => field is 5 or 7 or 9 or 10 or 11;

    private static int CountField(ReadOnlySpan<byte> message, int wanted)
    {
        int count = 0;
        var reader = new WireReader(message);
        while (reader.Next(out int field, out int wireType, out _))
        {
            if (field == wanted && wireType == WireReader.LengthDelimited)
            {
                count++;
            }
        }

        return count;
    }
}
