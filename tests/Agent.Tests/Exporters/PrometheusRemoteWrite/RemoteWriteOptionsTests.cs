using Agent.Config;
using Agent.Core.Components;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Service;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

public class RemoteWriteOptionsTests
{
    [Fact]
    public void The_collector_keys_bind_through_the_config_loader()
    {
        var options = Load("""
            endpoint: http://prometheus:9090/api/v1/write
            namespace: shop
            external_labels: {cluster: prod-eu}
            add_metric_suffixes: false
            send_metadata: true
            resource_to_telemetry_conversion: {enabled: true}
            target_info: {enabled: false}
            remote_write_queue: {enabled: true, queue_size: 50, num_consumers: 3}
            retry_on_failure: {enabled: true, initial_interval: 1s, max_interval: 5s}
            delta_to_cumulative: {enabled: false, max_streams: 10, max_stale: 1m}
            stale_markers: {enabled: true, after: 30s, max_series: 500}
            """);

        Assert.Equal("shop", options.Namespace);
        Assert.Equal("prod-eu", options.ExternalLabels["cluster"]);
        Assert.False(options.AddMetricSuffixes);
        Assert.True(options.SendMetadata);
        Assert.True(options.ResourceToTelemetryConversion.Enabled);
        Assert.False(options.TargetInfo.Enabled);
        Assert.Equal((50, 3), (options.SendingQueue().QueueSize, options.SendingQueue().NumConsumers));
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryOnFailure.InitialInterval);
        Assert.False(options.DeltaToCumulative.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StaleMarkers.After);
        Assert.Equal(500, options.StaleMarkers.MaxSeries);
    }

    [Fact]
    public void Defaults_follow_the_collector_and_need_only_an_endpoint()
    {
        var options = new PrometheusRemoteWriteExporterOptions();
        Assert.Equal(["endpoint"], options.Validate().Select(problem => problem.Key));
        options.Endpoint = "http://prometheus:9090/api/v1/write";
        Assert.Empty(options.Validate());
        Assert.True(options.AddMetricSuffixes);
        Assert.True(options.TargetInfo.Enabled);
        Assert.False(options.ResourceToTelemetryConversion.Enabled);
        Assert.False(options.SendMetadata);
        Assert.Equal((10_000L, 5), (options.SendingQueue().QueueSize, options.SendingQueue().NumConsumers));
    }

    [Fact]
    public void The_remote_write_queue_takes_the_persistent_queue_keys_of_sending_queue()
    {
        var queue = Load("""
            endpoint: http://prometheus:9090/api/v1/write
            remote_write_queue: {storage: file_storage, max_size_mib: 256, fsync: always, fsync_interval: 2s, overflow: drop_oldest, block_on_overflow: false}
            """).SendingQueue();

        Assert.True(queue.Persistent);
        Assert.Equal(("file_storage", 256L, "always", TimeSpan.FromSeconds(2), "drop_oldest", false), (queue.Storage, queue.MaxSizeMib, queue.Fsync, queue.FsyncInterval, queue.Overflow, queue.BlockOnOverflow));
        Assert.Equal(("requests", 10_000L, 5), (queue.Sizer, queue.QueueSize, queue.NumConsumers));
    }

    [Fact]
    public void Persistent_queue_keys_are_checked_as_in_sending_queue()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://prometheus:9090/api/v1/write" };
        options.RemoteWriteQueue.Fsync = "sometimes";
        options.RemoteWriteQueue.Overflow = "drop_oldest";

        Assert.Equal(
            [("fsync", "must be always, interval or never, not \"sometimes\""), ("overflow", "drop_oldest needs storage: a queue in memory refuses the newest (block_on_overflow: false)")],
            options.RemoteWriteQueue.Validate());
    }

    [Fact]
    public void Bad_values_are_named_by_their_keys()
    {
        var options = new PrometheusRemoteWriteExporterOptions
        {
            Endpoint = "ftp://x",
            Namespace = "bad-prefix",
            ExternalLabels = new() { ["bad.name"] = "x", ["__reserved"] = "y", ["empty"] = string.Empty },
            MaxBatchSizeBytes = 10,
        };

        Assert.Equal(
            ["endpoint", "namespace", "external_labels", "external_labels", "external_labels", "max_batch_size_bytes"],
            options.Validate().Select(problem => problem.Key));
    }

    private static PrometheusRemoteWriteExporterOptions Load(string exporterYaml)
    {
        string indented = string.Join('\n', exporterYaml.Split('\n').Select(line => "    " + line));
        string yaml = $$"""
            receivers:
              otlp: {protocols: {http: {endpoint: "127.0.0.1:0"} } }
            exporters:
              prometheusremotewrite:
            {{indented}}
            extensions:
              file_storage: {directory: ""}
            service:
              extensions: [file_storage]
              pipelines:
                metrics: {receivers: [otlp], exporters: [prometheusremotewrite]}

            """;
        var config = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("rw.yaml", yaml);
        return (PrometheusRemoteWriteExporterOptions)config.Section(ComponentKind.Exporter)[new ComponentId("prometheusremotewrite")].Options;
    }
}
