namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>What one scrape's exposition gave: the counts behind the per-target report series, or why it failed.</summary>
internal sealed class ScrapeOutcome
{
    public int Scraped { get; set; }

    public int PostRelabeling { get; set; }

    public int SeriesAdded { get; set; }

    /// <summary>Lines that broke the format, by reason.</summary>
    public Dictionary<string, int> InvalidLines { get; } = new(StringComparer.Ordinal);

    /// <summary>Samples left out of an otherwise good scrape (duplicates, timestamps too far ahead), by reason.</summary>
    public Dictionary<string, int> DroppedSamples { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the scrape failed as a whole (the target is <c>up 0</c>); null when it succeeded.</summary>
    public string? Failure { get; set; }

    public void Clear()
    {
        Scraped = PostRelabeling = SeriesAdded = 0;
        InvalidLines.Clear();
        DroppedSamples.Clear();
        Failure = null;
    }

    public static void Add(Dictionary<string, int> counts, string reason) =>
        counts[reason] = counts.GetValueOrDefault(reason) + 1;
}
