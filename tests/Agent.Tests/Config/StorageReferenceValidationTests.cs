using Agent.Config;
using Agent.Service;

namespace Agent.Tests.Config;

/// <summary>A sending queue's storage must name a storage extension the service enables, checked before anything starts.</summary>
public class StorageReferenceValidationTests
{
    private static AgentConfig Load(string yaml) =>
        new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("agent.yaml", yaml);

    private static string Config(string storage, string serviceExtensions) => $"""
        exporters:
          otlp:
            endpoint: localhost:4317
            sending_queue:
              storage: {storage}
        extensions:
          file_storage/queue:
            directory: ""
        service:
          extensions: [{serviceExtensions}]
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [otlp]
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: localhost:0
        """;

    [Theory]
    [InlineData("file_storage/nope", "file_storage/queue", "names extension \"file_storage/nope\", which is not configured under extensions")]
    [InlineData("file_storage/queue", "", "names extension \"file_storage/queue\", which is not listed in service.extensions")]
    public void A_storage_that_is_not_there_is_refused_with_file_line_and_key(string storage, string serviceExtensions, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Load(Config(storage, serviceExtensions)));

        var refused = Assert.Single(error.Errors);
        Assert.Equal($"agent.yaml:5:7: exporters.otlp.sending_queue.storage: {expected}", refused.ToString());
    }

    [Fact]
    public void A_storage_the_service_enables_is_accepted() =>
        Assert.NotNull(Load(Config("file_storage/queue", "file_storage/queue")));

    [Fact]
    public void A_remote_write_queue_storage_is_checked_under_its_own_key()
    {
        string yaml = """
            exporters:
              prometheusremotewrite:
                endpoint: http://localhost:9090/api/v1/write
                remote_write_queue: {storage: file_storage/nope}
            service:
              pipelines:
                metrics: {receivers: [otlp], exporters: [prometheusremotewrite]}
            receivers:
              otlp: {protocols: {http: {endpoint: "localhost:0"} } }
            """;

        var error = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.Equal(
            "agent.yaml:4:26: exporters.prometheusremotewrite.remote_write_queue.storage: names extension \"file_storage/nope\", which is not configured under extensions",
            Assert.Single(error.Errors).ToString());
    }

    [Theory]
    [InlineData("overflow: drop_oldest", "sending_queue.overflow: drop_oldest needs storage")]
    [InlineData("fsync: sometimes", "sending_queue.fsync: must be always, interval or never")]
    public void Persistence_options_are_checked(string line, string expected)
    {
        string yaml = Config("file_storage/queue", "file_storage/queue").Replace("      storage: file_storage/queue", "      " + line, StringComparison.Ordinal);

        var error = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.Contains(expected, Assert.Single(error.Errors).ToString(), StringComparison.Ordinal);
    }
}
