using Agent.Core.Model;
using Agent.Exporters.Loki;

namespace Agent.Tests.Exporters.Loki;

public class LokiExporterOptionsTests
{
    [Theory]
    [InlineData("http://loki:3100", "http://loki:3100/loki/api/v1/push")]
    [InlineData("http://loki:3100/", "http://loki:3100/loki/api/v1/push")]
    [InlineData("https://logs.example/loki/api/v1/push", "https://logs.example/loki/api/v1/push")]
    [InlineData("https://gateway.example/tenant-a/loki/api/v1/push", "https://gateway.example/tenant-a/loki/api/v1/push")]
    public void Endpoint_takes_a_base_url_or_the_full_push_url(string endpoint, string expected) =>
        Assert.Equal(new Uri(expected), new LokiExporterOptions { Endpoint = endpoint }.PushUri());

    [Fact]
    public void Defaults_are_valid_once_an_endpoint_is_set_and_name_the_few_index_labels()
    {
        var factory = new LokiExporterFactory();
        var options = (LokiExporterOptions)factory.CreateDefaultOptions();

        Assert.Equal("loki", factory.Type);
        Assert.Equal([Signal.Logs], factory.Signals);
        Assert.Equal(["endpoint"], options.Validate().Select(problem => problem.Key));
        options.Endpoint = "http://loki:3100";
        Assert.Empty(options.Validate());
        Assert.Equal(["namespace", "pod", "container", "app", "job", "cluster", "service_name", "level"], options.Labels);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal(LokiEncoding.Protobuf, options.Encoding);
    }

    [Fact]
    public void Invalid_settings_are_named_by_their_keys()
    {
        var options = new LokiExporterOptions
        {
            Endpoint = "ftp://loki",
            Labels = ["namespace", "k8s.pod", "namespace"],
            LabelAttributes = new() { ["a"] = "bad-name" },
            MaxRequestBytes = 10,
        };

        var keys = options.Validate().Select(problem => problem.Key).ToList();

        Assert.Equal(["endpoint", "labels", "labels", "label_attributes", "max_request_bytes"], keys);
    }

    [Fact]
    public void The_tenant_block_checks_its_own_rules()
    {
        // The auth block is the shared client one now: see Core/Net/ClientAuthOptionsTests.
        Assert.NotEmpty(new LokiTenantOptions().Validate());
        Assert.Empty(new LokiTenantOptions { FromAttribute = "k8s.namespace.name" }.Validate());
    }
}
