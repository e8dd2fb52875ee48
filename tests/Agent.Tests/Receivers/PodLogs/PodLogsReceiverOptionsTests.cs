using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class PodLogsReceiverOptionsTests
{
    [Fact]
    public void The_factory_registers_filelog_for_logs_with_collector_defaults()
    {
        var factory = new PodLogsReceiverFactory();
        var options = (PodLogsReceiverOptions)factory.CreateDefaultOptions();

        Assert.Equal("filelog", factory.Type);
        Assert.Equal([Agent.Core.Model.Signal.Logs], factory.Signals);
        Assert.Equal(StartAt.End, options.StartAt);
        Assert.Equal(1024 * 1024, options.MaxLogSize);
        Assert.Equal(1000, options.FingerprintSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RescanInterval);
        Assert.Contains(Agent.Service.BuiltInComponents.Receivers, f => f.Type == "filelog");
    }

    [Fact]
    public void The_container_operator_means_auto_detection()
    {
        var options = new PodLogsReceiverOptions
        {
            Include = ["/var/log/pods/*/*/*.log"],
            Format = LogFormat.Plain,
            Operators = [new OperatorOptions { Type = "container" }],
        };

        Assert.Empty(options.Validate());
        Assert.Equal(LogFormat.Auto, options.EffectiveFormat);
    }

    [Fact]
    public void Other_operators_are_refused_by_name_with_the_supported_ones_listed()
    {
        var options = new PodLogsReceiverOptions
        {
            Include = ["/var/log/pods/*/*/*.log"],
            Operators = [new OperatorOptions { Type = "container" }, new OperatorOptions { Type = "regex_parser" }],
        };

        var (key, message) = Assert.Single(options.Validate());
        Assert.Equal("operators", key);
        Assert.Contains("\"regex_parser\"", message, StringComparison.Ordinal);
        Assert.Contains("supported operator types: container", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_is_required_and_globs_must_be_absolute()
    {
        Assert.Contains(new PodLogsReceiverOptions().Validate(), e => e.Key == "include");
        Assert.Contains(new PodLogsReceiverOptions { Include = ["var/log/*.log"] }.Validate(), e => e.Key == "include");
        Assert.Contains(new PodLogsReceiverOptions { Include = ["/var/log/*.log"], Storage = "bad id!/" }.Validate(), e => e.Key == "storage");
    }

    [Fact]
    public void The_rescan_interval_must_be_positive()
    {
        var (key, message) = Assert.Single(new PodLogsReceiverOptions { Include = ["/var/log/*.log"], RescanInterval = TimeSpan.Zero }.Validate());
        Assert.Equal("rescan_interval", key);
        Assert.Equal("must be positive", message);
    }

    [Fact]
    public void The_receiver_wide_bytes_in_flight_hold_at_least_one_batch()
    {
        Assert.Equal(8 * 1024 * 1024, new PodLogsReceiverOptions().MaxBytesInFlight);
        var (key, message) = Assert.Single(new PodLogsReceiverOptions { Include = ["/var/log/*.log"], MaxBatchBytes = 65536, MaxBytesInFlight = 65535 }.Validate());
        Assert.Equal("max_bytes_in_flight", key);
        Assert.Equal("must be at least max_batch_bytes (65536 bytes)", message);
    }

    [Fact]
    public void Extraction_keys_must_be_usable()
    {
        var (key, _) = Assert.Single(new ExtractOptions { LevelKeys = ["le vel"] }.Validate());
        Assert.Equal("level_keys", key);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_named_storage_extension_gives_the_checkpoint_directory()
    {
        using var root = new TempDirectory();
        var host = PodLogsTestHost.Create(root.Combine("data"));
        var storage = new TestStorageExtension(root.Combine("storage"));
        host.AddExtension(new ComponentId("file_storage"), storage);
        var options = new PodLogsReceiverOptions { Include = [root.Path + "/*.log"], Storage = "file_storage" };
        await File.WriteAllTextAsync(root.Combine("a.log"), "a line\n");
        var receiver = new PodLogsReceiver(new ComponentContext(new ComponentId("filelog", "pods"), options, host), new RecordingConsumer<LogsBatch>());

        await receiver.StartAsync(default);
        await receiver.ShutdownAsync(default);

        Assert.Equal([(ComponentKind.Receiver, new ComponentId("filelog", "pods"))], storage.Requests);
        var checkpoints = Assert.Single(Directory.GetFiles(root.Combine("storage"), CheckpointStore.FileName, SearchOption.AllDirectories));
        Assert.Contains("a.log", await File.ReadAllTextAsync(checkpoints), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_storage_the_data_directory_has_a_folder_per_receiver_and_a_missing_extension_is_an_error()
    {
        using var root = new TempDirectory();
        var host = PodLogsTestHost.Create(root.Combine("data"));
        var options = new PodLogsReceiverOptions { Include = [root.Path + "/*.log"] };
        await File.WriteAllTextAsync(root.Combine("a.log"), "a line\n");
        var receiver = new PodLogsReceiver(new ComponentContext(new ComponentId("filelog", "pods"), options, host), new RecordingConsumer<LogsBatch>());
        await receiver.StartAsync(default);
        await receiver.ShutdownAsync(default);
        Assert.True(File.Exists(root.Combine("data", "receiver_filelog_pods", CheckpointStore.FileName)), "checkpoints in the receiver's folder of the data directory");

        var missing = new PodLogsReceiverOptions { Include = [root.Path + "/*.log"], Storage = "file_storage/x" };
        var broken = new PodLogsReceiver(new ComponentContext(new ComponentId("filelog"), missing, host), new RecordingConsumer<LogsBatch>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.StartAsync(default));
        Assert.Contains("file_storage/x", error.Message, StringComparison.Ordinal);
    }
}
