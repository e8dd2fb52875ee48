namespace Agent.Core.Config;

/// <summary>The Collector's <c>retry_on_failure</c> block: exponential backoff with jitter, bounded in time.</summary>
public sealed class RetryOptions : IValidatable
{
    public bool Enabled { get; set; } = true;

    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(5);

    public double RandomizationFactor { get; set; } = 0.5;

    public double Multiplier { get; set; } = 1.5;

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up after this long; zero retries forever.</summary>
    public TimeSpan MaxElapsedTime { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (InitialInterval <= TimeSpan.Zero)
        {
            yield return ("initial_interval", "must be positive");
        }

        if (RandomizationFactor is < 0 or > 1)
        {
            yield return ("randomization_factor", "must be between 0 and 1");
        }

        if (Multiplier < 1)
        {
            yield return ("multiplier", "must be at least 1");
        }

        if (MaxInterval < InitialInterval)
        {
            yield return ("max_interval", "must not be shorter than initial_interval");
        }

        if (MaxElapsedTime < TimeSpan.Zero)
        {
            yield return ("max_elapsed_time", "must not be negative");
        }
    }
}
