using Agent.Core.Model;
using Agent.Exporters.OtlpHttp;

namespace Agent.Tests.Exporters.OtlpHttp;

public sealed class OtlpHttpExporterOptionsTests
{
    [Fact]
    public void Defaults_match_the_collector()
    {
        var options = (OtlpHttpExporterOptions)new OtlpHttpExporterFactory().CreateDefaultOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal("gzip", options.Compression);
        Assert.Equal("proto", options.Encoding);
    }

    [Theory]
    [InlineData("http://collector:4318", Signal.Traces, "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/", Signal.Metrics, "http://collector:4318/v1/metrics")]
    [InlineData("https://gateway.example/otlp", Signal.Logs, "https://gateway.example/otlp/v1/logs")]
    public void Signal_urls_append_the_otlp_path_to_the_endpoint(string endpoint, Signal signal, string expected)
    {
        Assert.Equal(new Uri(expected), new OtlpHttpExporterOptions { Endpoint = endpoint }.UrlFor(signal));
    }

    [Fact]
    public void A_signal_endpoint_is_used_as_written()
    {
        var options = new OtlpHttpExporterOptions { Endpoint = "http://collector:4318", LogsEndpoint = "http://loki:3100/otlp/v1/logs" };

        Assert.Equal(new Uri("http://loki:3100/otlp/v1/logs"), options.UrlFor(Signal.Logs));
        Assert.Equal(new Uri("http://collector:4318/v1/traces"), options.UrlFor(Signal.Traces));
    }

    [Fact]
    public void The_endpoint_may_be_left_out_only_when_every_signal_has_its_own()
    {
        Assert.Contains(new OtlpHttpExporterOptions().Validate(), p => p.Key == "endpoint");
        Assert.Empty(new OtlpHttpExporterOptions
        {
            TracesEndpoint = "http://a/v1/traces",
            MetricsEndpoint = "http://a/v1/metrics",
            LogsEndpoint = "http://a/v1/logs",
        }.Validate());
    }

    [Fact]
    public void Bad_values_are_reported_by_key()
    {
        var options = new OtlpHttpExporterOptions
        {
            Endpoint = "collector:4318",
            TracesEndpoint = "not a url",
            Compression = "snappy",
            Encoding = "json",
            Timeout = TimeSpan.FromSeconds(-1),
        };

        Assert.Equal(["compression", "timeout", "encoding", "traces_endpoint", "endpoint"], options.Validate().Select(p => p.Key));
    }
}
