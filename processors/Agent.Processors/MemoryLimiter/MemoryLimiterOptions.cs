using Agent.Core.Config;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// The Collector's <c>memory_limiter</c> options. The hard limit is <c>limit_mib</c>, or <c>limit_percentage</c> of
/// the memory the process may use (its cgroup's limit, else the machine's); the soft limit is the hard limit less
/// the spike allowance. <c>limit_mib</c> wins when both are set, as in the Collector.
/// </summary>
public sealed class MemoryLimiterOptions : IValidatable
{
    private const string PercentageRange =
        "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred";

    /// <summary>Time between two measurements of memory; required.</summary>
    public TimeSpan CheckInterval { get; set; }

    /// <summary>Hard limit in MiB of managed memory; 0 to use <see cref="LimitPercentage"/>.</summary>
    public int LimitMib { get; set; }

    /// <summary>Largest growth expected between two checks, in MiB; 0 means 20 % of <see cref="LimitMib"/>.</summary>
    public int SpikeLimitMib { get; set; }

    /// <summary>Hard limit as a percentage of the memory available to the process.</summary>
    public int LimitPercentage { get; set; }

    /// <summary>Spike allowance as a percentage of the memory available to the process.</summary>
    public int SpikeLimitPercentage { get; set; }

    /// <summary>Fewest time between two forced collections while over the soft limit only.</summary>
    public TimeSpan MinGcIntervalWhenSoftLimited { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fewest time between two forced collections while over the hard limit; 0 = at every check.</summary>
    public TimeSpan MinGcIntervalWhenHardLimited { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (CheckInterval <= TimeSpan.Zero)
        {
            yield return ("check_interval", "'check_interval' must be greater than zero");
        }

        if (LimitMib < 0 || SpikeLimitMib < 0)
        {
            yield return (LimitMib < 0 ? "limit_mib" : "spike_limit_mib", "must not be negative");
        }
        else if (LimitMib == 0 && LimitPercentage == 0)
        {
            yield return ("limit_mib", "'limit_mib' or 'limit_percentage' must be greater than zero");
        }
        else if (LimitMib > 0 && SpikeLimitMib >= LimitMib)
        {
            yield return ("spike_limit_mib", $"'spike_limit_mib' must be smaller than 'limit_mib' ({SpikeLimitMib} >= {LimitMib})");
        }

        if (LimitMib == 0)
        {
            foreach (var problem in ValidatePercentages())
            {
                yield return problem;
            }
        }

        if (MinGcIntervalWhenSoftLimited < TimeSpan.Zero || MinGcIntervalWhenHardLimited < TimeSpan.Zero)
        {
            yield return ("min_gc_interval_when_hard_limited", "must not be negative");
        }
        else if (MinGcIntervalWhenSoftLimited < MinGcIntervalWhenHardLimited)
        {
            yield return ("min_gc_interval_when_soft_limited", "'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'");
        }
    }

    /// <summary>The limits in bytes, percentages taken of <paramref name="availableBytes"/>.</summary>
    public MemoryLimits Resolve(long availableBytes)
    {
        const long Mib = 1024 * 1024;
        if (LimitMib > 0)
        {
            long hard = LimitMib * Mib;
            long spike = SpikeLimitMib > 0 ? SpikeLimitMib * Mib : hard / 5;
            return new MemoryLimits(hard, hard - spike);
        }

        long hardOfAvailable = availableBytes / 100 * LimitPercentage;
        return new MemoryLimits(hardOfAvailable, hardOfAvailable - (availableBytes / 100 * SpikeLimitPercentage));
    }

    private IEnumerable<(string Key, string Message)> ValidatePercentages()
    {
        if (LimitPercentage is < 0 or > 100)
        {
            yield return ("limit_percentage", PercentageRange);
        }
        else if (SpikeLimitPercentage is < 0 or > 100)
        {
            yield return ("spike_limit_percentage", PercentageRange);
        }
        else if (LimitPercentage > 0 && SpikeLimitPercentage >= LimitPercentage)
        {
            yield return ("spike_limit_percentage", "'spike_limit_percentage' must be smaller than 'limit_percentage'");
        }
    }
}

/// <param name="HardBytes">Over it, a collection is forced.</param>
/// <param name="SoftBytes">At or over it, data is refused.</param>
public readonly record struct MemoryLimits(long HardBytes, long SoftBytes);
