using Agent.Core.Config;

namespace Agent.Tests.Core.Config;

public class DurationsTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "200ms", TimeSpan.FromMilliseconds(200) },
        { "5s", TimeSpan.FromSeconds(5) },
        { "1m30s", TimeSpan.FromSeconds(90) },
        { "1h", TimeSpan.FromHours(1) },
        { "1h2m3s4ms", new TimeSpan(0, 1, 2, 3, 4) },
        { "0", TimeSpan.Zero },
        { "0s", TimeSpan.Zero },
        { "-0", TimeSpan.Zero },
        { "1.5s", TimeSpan.FromMilliseconds(1500) },
        { ".5s", TimeSpan.FromMilliseconds(500) },
        { "500us", TimeSpan.FromMicroseconds(500) },
        { "500µs", TimeSpan.FromMicroseconds(500) },
        { "300ns", TimeSpan.FromTicks(3) },
        { "-5s", TimeSpan.FromSeconds(-5) },
        { "+5s", TimeSpan.FromSeconds(5) },
        { " 10s ", TimeSpan.FromSeconds(10) },
        { "48h", TimeSpan.FromHours(48) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_go_durations(string text, TimeSpan expected)
    {
        Assert.True(Durations.TryParse(text, out var value));

        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("-")]
    [InlineData("5x")]
    [InlineData("5 s")]
    [InlineData("1..5s")]
    [InlineData("5S")]
    [InlineData("abc")]
    [InlineData("99999999999999h")]
    public void Refuses_what_is_not_a_go_duration(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(200, "200ms")]
    [InlineData(5_000, "5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(90_000_000, "25h")]
    [InlineData(3_661_000, "1h1m1s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(-5_000, "-5s")]
    [InlineData(-200, "-200ms")]
    public void Formats_the_shortest_go_form(long milliseconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(12_345L)]
    [InlineData(TimeSpan.TicksPerMillisecond * 200)]
    [InlineData(TimeSpan.TicksPerSecond * 3_725)]
    [InlineData(TimeSpan.TicksPerDay * 3)]
    [InlineData(-TimeSpan.TicksPerSecond)]
    public void What_is_formatted_parses_back_to_the_same_value(long ticks)
    {
        var value = TimeSpan.FromTicks(ticks);

        Assert.True(Durations.TryParse(Durations.Format(value), out var parsed));
        Assert.Equal(value, parsed);
    }
}
