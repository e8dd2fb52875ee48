using Agent.Core.Config;

namespace Agent.Tests.Config;

public class ScalarKindsBindingTests
{
    [Theory]
    [InlineData("ratio: 0.25", "ratio", 0.25)]
    [InlineData("ratio: -3", "ratio", -3.0)]
    [InlineData("ratio: 1e-3", "ratio", 0.001)]
    [InlineData("ratio: .5", "ratio", 0.5)]
    [InlineData("weight: 1.5", "weight", 1.5f)]
    [InlineData("weight: 2E3", "weight", 2000f)]
    [InlineData("small: 255", "small", (byte)255)]
    [InlineData("port: 65535", "port", (ushort)65535)]
    [InlineData("port: 0", "port", (ushort)0)]
    [InlineData("count: 4294967295", "count", 4294967295u)]
    [InlineData("total: 18446744073709551615", "total", ulong.MaxValue)]
    public void Binds_floats_and_unsigned_integers(string yaml, string key, object expected)
    {
        var (options, errors) = Binding.Bind<ScalarKindsOptions>(yaml);

        Assert.Empty(errors);
        Assert.Equal(expected, Binding.ValueOf(options, key));
    }

    [Theory]
    [InlineData("size: 64MiB", 64L << 20)]
    [InlineData("size: 512KiB", 512L << 10)]
    [InlineData("size: 1GiB", 1L << 30)]
    [InlineData("size: 100MB", 100_000_000L)]
    [InlineData("size: 10kB", 10_000L)]
    [InlineData("size: 123", 123L)]
    [InlineData("maybe_size: 2Mi", 2L << 20)]
    public void Binds_byte_sizes(string yaml, long bytes)
    {
        var (options, errors) = Binding.Bind<ScalarKindsOptions>(yaml);

        Assert.Empty(errors);
        Assert.Equal(new ByteSize(bytes), options.MaybeSize ?? options.Size);
    }

    [Fact]
    public void A_byte_size_can_come_from_the_environment_and_a_nullable_one_can_be_empty()
    {
        var (options, errors) = Binding.Bind<ScalarKindsOptions>("size: ${env:BUFFER}\nmaybe_size:\n", name => name == "BUFFER" ? "8MiB" : null);

        Assert.Empty(errors);
        Assert.Equal(new ByteSize(8L << 20), options.Size);
        Assert.Null(options.MaybeSize);
    }

    [Theory]
    [InlineData("ratio: abc", "inline.yaml:1:8: x.ratio: expected a number such as 0.5, 10 or 1e-3, got \"abc\"")]
    [InlineData("ratio: 0,5", "inline.yaml:1:8: x.ratio: expected a number such as 0.5, 10 or 1e-3, got \"0,5\"")]
    [InlineData("ratio: NaN", "inline.yaml:1:8: x.ratio: expected a finite number, got \"NaN\"")]
    [InlineData("ratio: -Infinity", "inline.yaml:1:8: x.ratio: expected a finite number, got \"-Infinity\"")]
    [InlineData("ratio: .inf", "inline.yaml:1:8: x.ratio: expected a number such as 0.5, 10 or 1e-3, got \".inf\"")]
    [InlineData("ratio: 1e400", "inline.yaml:1:8: x.ratio: expected a finite number, got \"1e400\"")]
    [InlineData("weight: 1e39", "inline.yaml:1:9: x.weight: expected a finite number, got \"1e39\"")]
    [InlineData("port: -1", "inline.yaml:1:7: x.port: must not be negative, got \"-1\"")]
    [InlineData("total: -5", "inline.yaml:1:8: x.total: must not be negative, got \"-5\"")]
    [InlineData("small: 256", "inline.yaml:1:8: x.small: expected a whole number from 0 to 255, got \"256\" (too large)")]
    [InlineData("port: 70000", "inline.yaml:1:7: x.port: expected a whole number from 0 to 65535, got \"70000\" (too large)")]
    [InlineData("count: 1.5", "inline.yaml:1:8: x.count: expected a whole number from 0 to 4294967295, got \"1.5\"")]
    [InlineData("total: 18446744073709551616", "inline.yaml:1:8: x.total: expected a whole number from 0 to 18446744073709551615, got \"18446744073709551616\" (too large)")]
    [InlineData("port:", "inline.yaml:1:6: x.port: expected a whole number from 0 to 65535, got nothing")]
    [InlineData("size: 12XB", "inline.yaml:1:7: x.size: unknown byte size unit \"XB\" in \"12XB\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("size: 64mb", "inline.yaml:1:7: x.size: unknown byte size unit \"mb\" in \"64mb\" (did you mean MB?); units are " + ByteSize.UnitsDescription)]
    [InlineData("size: big", "inline.yaml:1:7: x.size: expected a byte size such as 123, 10kB, 512KiB or 64MiB, got \"big\"; units are " + ByteSize.UnitsDescription)]
    [InlineData("size: -1KiB", "inline.yaml:1:7: x.size: a byte size cannot be negative, got \"-1KiB\"")]
    [InlineData("size:", "inline.yaml:1:6: x.size: expected a byte size such as 123, 10kB, 512KiB or 64MiB, got nothing")]
    [InlineData("size: [1]", "inline.yaml:1:7: x.size: expected a single value, got a list")]
    public void Refuses_bad_numbers_and_sizes_at_their_position(string yaml, string expected)
    {
        var (_, errors) = Binding.Bind<ScalarKindsOptions>(yaml);

        Assert.Equal([expected], errors);
    }

    [Fact]
    public void Compiles_regexes_at_load_each_with_its_flavour()
    {
        var (options, errors) = Binding.Bind<ScalarKindsOptions>(
            "filter: err(or)?\nrelabel: '(.*)-web'\nplain: ^a+$\npatterns: ['^kube-', 'system$']\n");

        Assert.Empty(errors);
        Assert.True(options.Filter!.IsMatch("an error here"));
        Assert.True(options.Relabel!.IsMatch("shop-web"));
        Assert.False(options.Relabel.IsMatch("shop-web-1"));
        Assert.Matches(options.Plain!, "aaa");
        Assert.Equal(["^kube-", "system$"], options.Patterns.Select(p => p.Pattern));
        Assert.True(options.Patterns[1].IsMatch("kube-system"));
    }

    [Fact]
    public void A_regex_can_come_from_the_environment()
    {
        var (options, errors) = Binding.Bind<ScalarKindsOptions>("relabel: ${env:KEEP}|other\n", name => name == "KEEP" ? "api" : null);

        Assert.Empty(errors);
        Assert.Equal("api|other", options.Relabel!.Pattern);
        Assert.True(options.Relabel.IsMatch("api"));
    }

    [Theory]
    [InlineData("filter: a(b", "inline.yaml:1:9: x.filter: invalid regular expression \"a(b\": insufficient closing parentheses at offset 3")]
    [InlineData("relabel: \"[z-a]\"", "inline.yaml:1:10: x.relabel: invalid regular expression \"[z-a]\": reversed character range at offset 4")]
    [InlineData("plain: '*x'", "inline.yaml:1:8: x.plain: invalid regular expression \"*x\": quantifier after nothing at offset 1")]
    [InlineData("relabel: a)|(b", "inline.yaml:1:10: x.relabel: invalid regular expression \"a)|(b\": insufficient opening parentheses at offset 2")]
    [InlineData("filter: '(?=a)b'", "inline.yaml:1:9: x.filter: invalid regular expression \"(?=a)b\": positive lookahead (?= pattern) or positive lookbehind (?<= pattern) is not supported (patterns are matched in linear time, as RE2 does: no backreferences, lookaround or atomic groups)")]
    [InlineData("patterns:\n  - ok\n  - 'x{2,1}'", "inline.yaml:3:5: x.patterns[1]: invalid regular expression \"x{2,1}\": reversed quantifier range at offset 6")]
    [InlineData("filter: {a: b}", "inline.yaml:1:9: x.filter: expected a single value, got a mapping")]
    public void Refuses_bad_regexes_at_their_position_in_plain_words(string yaml, string expected)
    {
        var (_, errors) = Binding.Bind<ScalarKindsOptions>(yaml);

        Assert.Equal([expected], errors);
    }
}
