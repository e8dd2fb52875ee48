using Agent.Processors.MemoryLimiter;
using Agent.Tests.Config;

namespace Agent.Tests.Processors.MemoryLimiter;

/// <summary>The Collector's keys and rules, each mistake reported at its key with the Collector's words.</summary>
public class MemoryLimiterOptionsTests
{
    private const long Mib = 1024 * 1024;

    [Fact]
    public void A_collector_config_binds_and_the_spike_defaults_to_a_fifth_of_the_limit()
    {
        var (options, errors) = Binding.Bind<MemoryLimiterOptions>("{check_interval: 1s, limit_mib: 500}");

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckInterval);
        Assert.Equal(new MemoryLimits(500 * Mib, 400 * Mib), options.Resolve(availableBytes: 0));
    }

    [Fact]
    public void Percentages_are_of_the_available_memory_and_limit_mib_wins_over_them()
    {
        var (byShare, errors) = Binding.Bind<MemoryLimiterOptions>("{check_interval: 5s, limit_percentage: 80, spike_limit_percentage: 25}");
        Assert.Empty(errors);
        Assert.Equal(new MemoryLimits(800 * Mib, 550 * Mib), byShare.Resolve(1000 * Mib));

        var (both, bothErrors) = Binding.Bind<MemoryLimiterOptions>("{check_interval: 5s, limit_mib: 100, spike_limit_mib: 30, limit_percentage: 80}");
        Assert.Empty(bothErrors);
        Assert.Equal(new MemoryLimits(100 * Mib, 70 * Mib), both.Resolve(1000 * Mib));
    }

    [Theory]
    [InlineData("limit_mib: 100", "inline.yaml: x.check_interval: 'check_interval' must be greater than zero")]
    [InlineData("check_interval: 0s\nlimit_mib: 100", "inline.yaml:1:1: x.check_interval: 'check_interval' must be greater than zero")]
    [InlineData("check_interval: 1s", "inline.yaml: x.limit_mib: 'limit_mib' or 'limit_percentage' must be greater than zero")]
    [InlineData("check_interval: 1s\nlimit_mib: 100\nspike_limit_mib: 100", "inline.yaml:3:1: x.spike_limit_mib: 'spike_limit_mib' must be smaller than 'limit_mib' (100 >= 100)")]
    [InlineData("check_interval: 1s\nlimit_percentage: 101", "inline.yaml:2:1: x.limit_percentage: 'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred")]
    [InlineData("check_interval: 1s\nlimit_percentage: 50\nspike_limit_percentage: 60", "inline.yaml:3:1: x.spike_limit_percentage: 'spike_limit_percentage' must be smaller than 'limit_percentage'")]
    [InlineData("check_interval: 1s\nlimit_mib: 10\nmin_gc_interval_when_soft_limited: 1s\nmin_gc_interval_when_hard_limited: 2s", "inline.yaml:3:1: x.min_gc_interval_when_soft_limited: 'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'")]
    public void Each_mistake_is_named_at_its_key(string yaml, string expected)
    {
        var (_, errors) = Binding.Bind<MemoryLimiterOptions>(yaml);

        Assert.Equal([expected], errors);
    }
}
