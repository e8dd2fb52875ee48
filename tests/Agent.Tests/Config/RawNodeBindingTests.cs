using Agent.Core.Config;

namespace Agent.Tests.Config;

public class RawNodeBindingTests
{
    private const string Scrape = """
        config:
          scrape_configs:
            - job_name: ${env:JOB}
              static_configs:
                - targets: ["a:1", 'b:2']
              honor_labels: true
              sample_limit: "10"
              params: ~
        """;

    private static Func<string, string?> Env(string name, string value) => n => n == name ? value : null;

    [Fact]
    public void Passes_the_subtree_through_with_its_shape_and_values()
    {
        var (options, errors) = Binding.Bind<RawOptions>(Scrape, Env("JOB", "pods"));

        Assert.Empty(errors);
        var config = options.Config!;
        Assert.Equal(["scrape_configs"], config.Keys);
        Assert.True(config.TryGetValue("scrape_configs", out var scrapes));
        var job = Assert.IsType<RawMapping>(Assert.Single(Assert.IsType<RawSequence>(scrapes).Items));
        Assert.Equal(["job_name", "static_configs", "honor_labels", "sample_limit", "params"], job.Keys);
        Assert.True(job.TryGetValue("static_configs", out var statics));
        var targets = (RawMapping)((RawSequence)statics).Items[0];
        Assert.True(targets.TryGetValue("targets", out var list));
        Assert.Equal(["a:1", "b:2"], ((RawSequence)list).Items.Cast<RawScalar>().Select(s => s.Value));
        Assert.True(job.TryGetValue("sample_limit", out var limit));
        Assert.True(((RawScalar)limit).IsQuoted);
        Assert.True(job.TryGetValue("honor_labels", out var honor));
        Assert.Equal(("true", false, false), (((RawScalar)honor).Value, ((RawScalar)honor).IsQuoted, ((RawScalar)honor).IsNull));
        Assert.True(job.TryGetValue("params", out var parameters));
        Assert.True(((RawScalar)parameters).IsNull);
        Assert.False(job.TryGetValue("missing", out _));
    }

    [Fact]
    public void Expands_environment_references_in_the_subtree_values()
    {
        var (options, errors) = Binding.Bind<RawOptions>(Scrape, Env("JOB", "pods"));

        Assert.Empty(errors);
        var job = (RawMapping)((RawSequence)options.Config!.Entries[0].Value).Items[0];
        var name = (RawScalar)job.Entries[0].Value;
        Assert.Equal("pods", name.Value);
        Assert.Equal("job_name", job.Entries[0].Key.Value);
    }

    [Fact]
    public void Keeps_the_file_line_column_and_key_path_of_every_node()
    {
        var (options, _) = Binding.Bind<RawOptions>(Scrape, Env("JOB", "pods"));

        var config = options.Config!;
        Assert.Equal((new ConfigPosition("inline.yaml", 2, 3), "x.config"), (config.Position, config.Path));
        var scrapes = (RawSequence)config.Entries[0].Value;
        Assert.Equal((new ConfigPosition("inline.yaml", 3, 5), "x.config.scrape_configs"), (scrapes.Position, scrapes.Path));
        var job = (RawMapping)scrapes.Items[0];
        Assert.Equal((new ConfigPosition("inline.yaml", 3, 7), "x.config.scrape_configs[0]"), (job.Position, job.Path));
        var entry = job.Entries[0];
        Assert.Equal((new ConfigPosition("inline.yaml", 3, 7), "x.config.scrape_configs[0].job_name"), (entry.Key.Position, entry.Key.Path));
        Assert.Equal((new ConfigPosition("inline.yaml", 3, 17), "x.config.scrape_configs[0].job_name"), (entry.Value.Position, entry.Value.Path));
        var target = ((RawSequence)((RawMapping)((RawSequence)job.Entries[1].Value).Items[0]).Entries[0].Value).Items[1];
        Assert.Equal((new ConfigPosition("inline.yaml", 5, 28), "x.config.scrape_configs[0].static_configs[0].targets[1]"), (target.Position, target.Path));
        Assert.Equal("inline.yaml:5:28: x.config.scrape_configs[0].static_configs[0].targets[1]: bad target", target.ErrorMessage("bad target"));
    }

    [Fact]
    public void Validation_errors_naming_a_path_inside_the_subtree_point_at_it()
    {
        var (_, errors) = Binding.Bind<RawOptions>("config:\n  scrape_configs:\n    - job_name: a\n    - static_configs: []\n");

        Assert.Equal(["inline.yaml:4:7: x.config.scrape_configs[1]: job_name is required"], errors);
    }

    [Fact]
    public void Any_shape_is_accepted_as_a_raw_node_and_an_empty_one_is_null()
    {
        var (scalar, scalarErrors) = Binding.Bind<RawOptions>("anything: 42\nconfig:\n");
        var (list, listErrors) = Binding.Bind<RawOptions>("anything: [1, {a: b}]\nitems: []\n");

        Assert.Empty(scalarErrors);
        Assert.Equal("42", Assert.IsType<RawScalar>(scalar.Anything).Value);
        Assert.Null(scalar.Config);
        Assert.Empty(listErrors);
        Assert.IsType<RawMapping>(Assert.IsType<RawSequence>(list.Anything).Items[1]);
        Assert.Empty(list.Items!.Items);
    }

    [Theory]
    [InlineData("config: [1]", "inline.yaml:1:9: x.config: expected a mapping, got a list")]
    [InlineData("config: text", "inline.yaml:1:9: x.config: expected a mapping, got a value")]
    [InlineData("items: {a: 1}", "inline.yaml:1:8: x.items: expected a list, got a mapping")]
    [InlineData("config:\n  a:\n    - ${env:X", "inline.yaml:3:7: x.config.a[0]: unclosed \"${\" in \"${env:X\"")]
    [InlineData("anything: {a: '${file:/etc/passwd}'}", "inline.yaml:1:15: x.anything.a: unsupported reference \"${file:/etc/passwd}\": only ${env:NAME} and ${env:NAME:-default} are supported")]
    [InlineData("config:\n  ? [a]\n  : b", "inline.yaml:2:5: x.config: expected a single value as a key, got a list")]
    public void Refuses_the_wrong_shape_and_bad_references_inside_at_their_position(string yaml, string expected)
    {
        var (options, errors) = Binding.Bind<RawOptions>(yaml);

        Assert.Equal([expected], errors);
        Assert.Null(options.Config);
        Assert.Null(options.Items);
        Assert.Null(options.Anything);
    }
}
