using Agent.Core.Components;

namespace Agent.Tests.Core.Components;

public class ComponentIdTests
{
    [Theory]
    [InlineData("otlp", "otlp", "")]
    [InlineData("otlp/2", "otlp", "2")]
    [InlineData("batch/traces/fast", "batch", "traces/fast")]
    [InlineData(" otlp / main ", "otlp", "main")]
    [InlineData("k8s_attributes1/pods-a.b_c", "k8s_attributes1", "pods-a.b_c")]
    [InlineData("debug/détail", "debug", "détail")]
    [InlineData("a", "a", "")]
    public void Parses_type_and_name(string text, string type, string name)
    {
        Assert.True(ComponentId.TryParse(text, out var id, out var error), error);

        Assert.Equal(new ComponentId(type, name), id);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("/main", "before /")]
    [InlineData("otlp/", "after /")]
    [InlineData("otlp/  ", "after /")]
    [InlineData("1otlp", "invalid component type")]
    [InlineData("_otlp", "invalid component type")]
    [InlineData("otlp-http", "invalid component type")]
    [InlineData("ot lp", "invalid component type")]
    [InlineData("otlp/a b", "invalid component name")]
    [InlineData("otlp/a\tb", "invalid component name")]
    [InlineData("otlp/a\u0001b", "invalid component name")]
    [InlineData("otlp/a+b", "invalid component name")]
    [InlineData("otlp/cost$", "invalid component name")]
    [InlineData("otlp/a\u200Bb", "invalid component name")]
    [InlineData("otlp/\U0001F600", "invalid component name")]
    public void Refuses_what_the_collector_refuses(string text, string expected)
    {
        Assert.False(ComponentId.TryParse(text, out var id, out var error));

        Assert.Null(id);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_type_holds_at_most_63_characters()
    {
        string longest = "a" + new string('b', 62);

        Assert.True(ComponentId.TryParse(longest, out _, out _));
        Assert.False(ComponentId.TryParse(longest + "c", out _, out _));
    }

    [Fact]
    public void The_name_holds_at_most_1024_characters()
    {
        string longest = new('n', 1024);

        Assert.True(ComponentId.TryParse("otlp/" + longest, out _, out _));
        Assert.False(ComponentId.TryParse("otlp/" + longest + "n", out _, out _));
    }

    [Theory]
    [InlineData("otlp")]
    [InlineData("otlp/main")]
    [InlineData("batch/traces/fast")]
    public void ToString_gives_back_the_config_key(string text)
    {
        Assert.True(ComponentId.TryParse(text, out var id, out _));

        Assert.Equal(text, id.Value.ToString());
    }
}
