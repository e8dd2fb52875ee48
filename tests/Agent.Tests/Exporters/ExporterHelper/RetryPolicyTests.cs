using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Exporters.ExporterHelper;

namespace Agent.Tests.Exporters.ExporterHelper;

public sealed class RetryPolicyTests
{
    private static readonly RetryOptions Options = new()
    {
        InitialInterval = TimeSpan.FromSeconds(1),
        Multiplier = 2,
        RandomizationFactor = 0.5,
        MaxInterval = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public void The_servers_retry_after_wins_over_the_backoff()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.NextDelay(Options, 0, new RetryableException("throttled", TimeSpan.FromSeconds(3))));
    }

    [Theory]
    [InlineData(0, 0.5, 1.5)]
    [InlineData(2, 2, 6)]
    [InlineData(10, 5, 15)]
    public void The_backoff_grows_with_jitter_up_to_max_interval(int attempt, double lowSeconds, double highSeconds)
    {
        for (int i = 0; i < 50; i++)
        {
            var delay = RetryPolicy.NextDelay(Options, attempt, new HttpRequestException("refused"));
            Assert.InRange(delay.TotalSeconds, lowSeconds, highSeconds);
        }
    }
}
