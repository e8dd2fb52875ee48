using Agent.Exporters.Loki;
using Agent.Tests.Fakes;

namespace Agent.Tests.Exporters.Loki;

public class LokiLabelNamesTests
{
    [Theory]
    [InlineData("namespace", "namespace")]
    [InlineData("k8s.pod.uid", "k8s_pod_uid")]
    [InlineData("app.kubernetes.io/name", "app_kubernetes_io_name")]
    [InlineData("log.iostream", "log_iostream")]
    [InlineData("a-b c", "a_b_c")]
    [InlineData("1st", "key_1st")]
    [InlineData("über", "_ber")]
    [InlineData("_private", "_private")]
    [InlineData("__reserved", "__reserved")]
    public void Attribute_keys_become_valid_label_names(string key, string expected)
    {
        string? name = LokiLabelNames.Sanitize(key);

        Assert.Equal(expected, name);
        Assert.True(LokiLabelNames.IsValid(name!));
    }

    [Fact]
    public void A_valid_key_is_returned_as_it_is_and_an_empty_key_has_no_name()
    {
        const string key = "service_name";

        Assert.Same(key, LokiLabelNames.Sanitize(key));
        Assert.Null(LokiLabelNames.Sanitize(string.Empty));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("_", true)]
    [InlineData("A9_z", true)]
    [InlineData("", false)]
    [InlineData("9a", false)]
    [InlineData("a.b", false)]
    [InlineData("a-b", false)]
    [InlineData("é", false)]
    public void Label_names_follow_the_prometheus_rules(string name, bool valid) =>
        Assert.Equal(valid, LokiLabelNames.IsValid(name));

    [Fact]
    public void The_selector_sorts_nothing_itself_and_escapes_backslash_quote_and_newline()
    {
        string selector = LokiLabelNames.Selector([new("namespace", "a"), new("pod", "b\"c\\d\ne")]);

        Assert.Equal("{namespace=\"a\", pod=\"b\\\"c\\\\d\\ne\"}", selector);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote \" backslash \\ end")]
    [InlineData("new\nline\r\ttab")]
    [InlineData("control \u0001 \u001f \u007f")]
    [InlineData("unicode ü 日本 🚀")]
    [InlineData("")]
    [InlineData("{a=\"b\"}, c")]
    public void Values_read_back_unchanged_by_lokis_label_parser(string value)
    {
        string selector = LokiLabelNames.Selector([new("app", "x"), new("value", value)]);

        var labels = FakeLokiSelector.Parse(selector);

        Assert.Equal(value, labels["value"]);
        Assert.Equal("x", labels["app"]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{a=\"1\", a=\"2\"}")]
    [InlineData("{a=~\"1\"}")]
    [InlineData("{9a=\"1\"}")]
    [InlineData("{a=\"unterminated}")]
    [InlineData("a=\"1\"")]
    public void The_fake_refuses_selectors_loki_refuses(string selector) =>
        Assert.Throws<FormatException>(() => FakeLokiSelector.Parse(selector));
}
