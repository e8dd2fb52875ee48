using Agent.Config;

namespace Agent.Tests.Config;

public class YamlSyntaxErrorTests
{
    [Theory]
    [InlineData("receivers:\n  everything:\n\tendpoint: x\nexporters:\n  sink:\n", "inline.yaml:3:1: (yaml): ")]
    [InlineData("receivers:\n  everything:\n    protocols:\n  \t  grpc:\n", "inline.yaml:4:3: (yaml): ")]
    public void A_tab_in_the_indentation_is_reported_where_it_is(string yaml, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(TestComponents.Registry, _ => null).Load("inline.yaml", yaml));

        var tab = Assert.Single(error.Errors);
        Assert.StartsWith(expected, tab.ToString(), StringComparison.Ordinal);
        Assert.Contains("tab", tab.Message, StringComparison.OrdinalIgnoreCase);
    }
}
