namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// What makes a series the one it is, kept with its cached labels so that a hash collision is never taken for a
/// hit: its name, the extra label (<c>le</c>, <c>quantile</c> or none) with its value, and the point's sorted,
/// unique labels. <see cref="PointLabels"/> is shared by the series of one data point (a histogram's buckets, sum
/// and count), so it is compared once per point.
/// </summary>
internal readonly struct SeriesIdentity(string name, string? extraName, double extraValue, LabelEntry[] pointLabels)
{
    public string Name { get; } = name;

    public string? ExtraName { get; } = extraName;

    public double ExtraValue { get; } = extraValue;

    public LabelEntry[] PointLabels { get; } = pointLabels;

    /// <summary>The same name and extra label; the extra value compares by bits, as -0 and 0 are written differently.</summary>
    public bool IsNamed(string name, string? extraName, double extraValue) =>
        string.Equals(Name, name, StringComparison.Ordinal)
        && string.Equals(ExtraName, extraName, StringComparison.Ordinal)
        && (extraName is null || BitConverter.DoubleToInt64Bits(ExtraValue) == BitConverter.DoubleToInt64Bits(extraValue));

    /// <summary>Whether <paramref name="labels"/> have the names and values of <see cref="PointLabels"/> (all that is written of them).</summary>
    public bool HasPointLabels(ReadOnlySpan<LabelEntry> labels)
    {
        var mine = PointLabels;
        if (labels.Length != mine.Length)
        {
            return false;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (!string.Equals(labels[i].Name, mine[i].Name, StringComparison.Ordinal)
                || !string.Equals(labels[i].Value, mine[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
