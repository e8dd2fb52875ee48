using Agent.Core.Config;

namespace Agent.Tests.Config;

public class MapBindingTests
{
    [Fact]
    public void Binds_maps_of_scalars_each_value_to_the_map_type()
    {
        var (options, errors) = Binding.Bind<MapOptions>("""
            labels: {team: "${env:TEAM}", tier: "1"}
            limits: {a: 1, b: -2}
            flags: {on: true, off: false}
            weights: {x: 0.5, y: 2}
            timeouts: {fast: 200ms, slow: 1m}
            sizes: {small: 512KiB, big: 1GiB}
            """, name => name == "TEAM" ? "core" : null);

        Assert.Empty(errors);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "core", ["tier"] = "1" }, options.Labels);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = -2 }, options.Limits);
        Assert.Equal(new Dictionary<string, bool> { ["on"] = true, ["off"] = false }, options.Flags);
        Assert.Equal(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 2 }, options.Weights);
        Assert.Equal(new Dictionary<string, TimeSpan> { ["fast"] = TimeSpan.FromMilliseconds(200), ["slow"] = TimeSpan.FromMinutes(1) }, options.Timeouts);
        Assert.Equal(new Dictionary<string, ByteSize> { ["small"] = new(512L << 10), ["big"] = new(1L << 30) }, options.Sizes);
    }

    [Fact]
    public void Binds_maps_and_lists_of_options_objects_over_their_defaults()
    {
        var (options, errors) = Binding.Bind<MapOptions>("""
            targets:
              primary: {endpoint: a:1, timeout: 1s}
              backup:
            backends:
              - endpoint: b:2
              - timeout: 3s
            """);

        Assert.Empty(errors);
        Assert.Equal(["primary", "backup"], options.Targets.Keys);
        Assert.Equal(("a:1", TimeSpan.FromSeconds(1)), (options.Targets["primary"].Endpoint, options.Targets["primary"].Timeout));
        Assert.Equal(("default:1", TimeSpan.FromSeconds(5)), (options.Targets["backup"].Endpoint, options.Targets["backup"].Timeout));
        Assert.Equal(["b:2", "default:1"], options.Backends.Select(b => b.Endpoint));
        Assert.Equal(TimeSpan.FromSeconds(3), options.Backends[1].Timeout);
    }

    [Theory]
    [InlineData("limits: {a: 1, b: two}", "inline.yaml:1:19: x.limits.b: expected a whole number, got \"two\"")]
    [InlineData("flags:\n  on: yes", "inline.yaml:2:7: x.flags.on: expected true or false, got \"yes\"")]
    [InlineData("weights: {x: NaN}", "inline.yaml:1:14: x.weights.x: expected a finite number, got \"NaN\"")]
    [InlineData("timeouts:\n  fast: 10", "inline.yaml:2:9: x.timeouts.fast: expected a duration such as 200ms, 5s or 1m, got \"10\"")]
    [InlineData("sizes: {s: -1}", "inline.yaml:1:12: x.sizes.s: a byte size cannot be negative, got \"-1\"")]
    [InlineData("limits:\n  a:", "inline.yaml:2:5: x.limits.a: expected a whole number, got nothing")]
    [InlineData("limits: [1, 2]", "inline.yaml:1:9: x.limits: expected a mapping, got a list")]
    [InlineData("targets:\n  primary:\n    timeout: soon", "inline.yaml:3:14: x.targets.primary.timeout: expected a duration such as 200ms, 5s or 1m, got \"soon\"")]
    [InlineData("targets:\n  primary:\n    port: 1", "inline.yaml:3:5: x.targets.primary.port: unknown key \"port\"; valid keys are: endpoint, timeout")]
    [InlineData("targets:\n  primary:\n    endpoint: \"\"", "inline.yaml:3:5: x.targets.primary.endpoint: must be set")]
    [InlineData("targets:\n  primary: 5", "inline.yaml:2:12: x.targets.primary: expected a mapping of options, got a value")]
    [InlineData("backends:\n  - endpoint: a\n  - timeout: later", "inline.yaml:3:14: x.backends[1].timeout: expected a duration such as 200ms, 5s or 1m, got \"later\"")]
    [InlineData("backends:\n  - endpoint: a\n  - endpoint: ''", "inline.yaml:3:5: x.backends[1].endpoint: must be set")]
    public void Refuses_bad_map_and_list_values_with_their_full_key_path(string yaml, string expected)
    {
        var (_, errors) = Binding.Bind<MapOptions>(yaml);

        Assert.Equal([expected], errors);
    }
}
