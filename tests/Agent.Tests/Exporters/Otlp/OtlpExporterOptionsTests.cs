using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Exporters.Otlp;

namespace Agent.Tests.Exporters.Otlp;

public sealed class OtlpExporterOptionsTests
{
    [Fact]
    public void Defaults_match_the_collector()
    {
        var options = (OtlpExporterOptions)new OtlpExporterFactory().CreateDefaultOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal("gzip", options.Compression);
        Assert.False(options.Tls.Insecure);
        Assert.True(options.SendingQueue.Enabled);
        Assert.True(options.RetryOnFailure.Enabled);
    }

    [Fact]
    public void The_collectors_tempo_example_is_valid_and_plain_text()
    {
        var options = new OtlpExporterOptions { Endpoint = "tempo:4317" };
        options.Tls.Insecure = true;

        Assert.Empty(options.Validate());
        var exporter = new OtlpExporterFactory().CreateExporter(new ComponentContext(new ComponentId("otlp"), options, new TestHost()), OtlpShared.OtlpExporterUnderTest.AllSignals);
        Assert.Equal(new Uri("http://tempo:4317"), ((OtlpExporter)exporter).Target);
    }

    [Fact]
    public void Bad_values_are_reported_by_key()
    {
        var options = new OtlpExporterOptions { Endpoint = "tempo", Compression = "zstd", Timeout = TimeSpan.Zero };
        options.Headers["bad header"] = "x";

        var keys = options.Validate().Select(p => p.Key).ToList();

        Assert.Equal(["compression", "timeout", "headers", "endpoint"], keys);
    }

    [Fact]
    public void The_endpoint_is_required()
    {
        Assert.Contains(new OtlpExporterOptions().Validate(), p => p.Key == "endpoint" && p.Message.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void The_factory_serves_every_signal()
    {
        var factory = new OtlpExporterFactory();
        Assert.Equal("otlp", factory.Type);
        Assert.Equal([Signal.Traces, Signal.Metrics, Signal.Logs], factory.Signals);
    }
}
