using Agent.Core.Config;

namespace Agent.Receivers.Scraping;

/// <summary>
/// When a scraping receiver scrapes: the Collector's scraperhelper controller settings. A receiver's options class
/// derives from this one, so the keys sit at the receiver's top level as in the Collector; a receiver that wants
/// another default interval passes it to the protected constructor.
/// </summary>
public class ScraperControllerOptions : IValidatable
{
    /// <summary>The Collector's default <c>collection_interval</c>.</summary>
    public static readonly TimeSpan DefaultCollectionInterval = TimeSpan.FromMinutes(1);

    public ScraperControllerOptions()
        : this(DefaultCollectionInterval)
    {
    }

    protected ScraperControllerOptions(TimeSpan collectionInterval)
    {
        CollectionInterval = collectionInterval;
    }

    /// <summary>How often every scraper runs.</summary>
    public TimeSpan CollectionInterval { get; set; }

    /// <summary>The wait after start before the first scrape.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one scraper may take for one scrape; <c>0</c> = no limit (as in the Collector).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.Zero;

    /// <summary>A derived options class that validates more must include these problems.</summary>
    public virtual IEnumerable<(string Key, string Message)> Validate()
    {
        if (CollectionInterval <= TimeSpan.Zero)
        {
            yield return ("collection_interval", "must be a positive duration");
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            yield return ("initial_delay", "must not be negative");
        }

        if (Timeout < TimeSpan.Zero)
        {
            yield return ("timeout", "must not be negative");
        }
    }
}
