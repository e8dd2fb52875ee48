using Agent.Core.Config;

namespace Agent.Tests.Core.Config;

public class ConfigRegexTests
{
    [Theory]
    [InlineData("foo", "xfooy", true)]
    [InlineData("^foo", "xfoo", false)]
    [InlineData("a|b", "zzb", true)]
    [InlineData("[0-9]+", "port 80", true)]
    public void A_config_regex_matches_anywhere_in_the_input(string pattern, string input, bool matches)
    {
        var regex = ConfigRegex.Create(pattern);

        Assert.Equal(matches, regex.IsMatch(input));
        Assert.Equal(pattern, regex.Pattern);
        Assert.Equal(pattern, regex.ToString());
    }

    [Theory]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "xfooy", false)]
    [InlineData("foo", "foo\n", false)]
    [InlineData("a|b", "a", true)]
    [InlineData("a|b", "ab", false)]
    [InlineData("(.*)-web", "shop-web", true)]
    [InlineData("(.*)-web", "shop-web-1", false)]
    public void An_anchored_regex_must_match_the_whole_input(string pattern, string input, bool matches)
    {
        var regex = AnchoredRegex.Create(pattern);

        Assert.Equal(matches, regex.IsMatch(input));
        Assert.Equal(pattern, regex.Pattern);
    }

    [Fact]
    public void Anchoring_keeps_capture_group_numbers()
    {
        var match = AnchoredRegex.Create("(.*)-(\\d+)").Regex.Match("shop-12");

        Assert.Equal("shop", match.Groups[1].Value);
        Assert.Equal("12", match.Groups[2].Value);
    }

    [Theory]
    [InlineData("a(b", "invalid regular expression \"a(b\": insufficient closing parentheses at offset 3")]
    [InlineData("[z-a]", "invalid regular expression \"[z-a]\": reversed character range at offset 4")]
    [InlineData("*x", "invalid regular expression \"*x\": quantifier after nothing at offset 1")]
    [InlineData("(a)\\1", "invalid regular expression \"(a)\\1\": backreference (\\ number) is not supported (patterns are matched in linear time, as RE2 does: no backreferences, lookaround or atomic groups)")]
    public void Refuses_bad_patterns_in_plain_words(string pattern, string expected)
    {
        Assert.False(ConfigRegex.TryCreate(pattern, out _, out string? error));
        Assert.Equal(expected, error);
        Assert.False(AnchoredRegex.TryCreate(pattern, out _, out string? anchoredError));
        Assert.Equal(expected, anchoredError);
    }

    [Fact]
    public void A_pattern_cannot_escape_its_anchors()
    {
        // Wrapped blindly, "a)|(b" would become the valid \A(?:a)|(b)\z, matching anything starting with a.
        Assert.False(AnchoredRegex.TryCreate("a)|(b", out _, out string? error));

        Assert.Equal("invalid regular expression \"a)|(b\": insufficient opening parentheses at offset 2", error);
    }

    [Fact]
    public void Create_throws_with_the_same_message()
    {
        var thrown = Assert.Throws<ArgumentException>(() => ConfigRegex.Create("a(b"));

        Assert.StartsWith("invalid regular expression \"a(b\": insufficient closing parentheses at offset 3", thrown.Message, StringComparison.Ordinal);
    }
}
