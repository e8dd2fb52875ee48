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

    [Theory]
    [InlineData("receivers:\n  everything:\n  : \n  tracesonly:\n", "inline.yaml:3:3: (yaml): ")]
    [InlineData("receivers:\n  everything:\n    include:\n      - : x\n", "inline.yaml:4:9: (yaml): ")]
    public void A_mapping_entry_without_a_key_is_reported_where_it_is(string yaml, string expected)
    {
        // Found by the config fuzz test: YamlDotNet threw an ArgumentException that escaped the loader.
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(TestComponents.Registry, _ => null).Load("inline.yaml", yaml));

        var missing = Assert.Single(error.Errors);
        Assert.StartsWith(expected, missing.ToString(), StringComparison.Ordinal);
        Assert.Contains("no key", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[a]: 1\nreceivers:\n  everything:\n", "inline.yaml:1:1: (root): expected a single value as a key, got a list")]
    [InlineData(": x\nreceivers:\n  everything:\n", "inline.yaml:1:1: (root): a mapping entry has no key before its colon")]
    [InlineData("receivers:\n  \"\": {}\n", "inline.yaml:2:3: receivers: a mapping entry has no key before its colon")]
    [InlineData("receivers:\n  {a: b}: c\n", "inline.yaml:2:3: receivers: expected a single value as a key, got a mapping")]
    [InlineData("receivers:\n  everything:\nservice:\n  [x]: 1\n", "inline.yaml:4:3: service: expected a single value as a key, got a list")]
    [InlineData("receivers:\n  everything:\nservice:\n  pipelines:\n    ? [traces]\n    : {}\n", "inline.yaml:5:7: service.pipelines: expected a single value as a key, got a list")]
    [InlineData("receivers:\n  everything:\nservice:\n  pipelines:\n    traces:\n      [receivers]: [everything]\n", "inline.yaml:6:7: service.pipelines.traces: expected a single value as a key, got a list")]
    public void An_empty_key_or_a_sequence_or_mapping_written_as_a_key_is_an_error_that_names_it(string yaml, string expected)
    {
        // Found by the config fuzz test: the loader cast every key to a scalar and threw InvalidCastException.
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(TestComponents.Registry, _ => null).Load("inline.yaml", yaml));

        Assert.Contains(expected, error.Errors.Select(e => e.ToString()));
    }
}
