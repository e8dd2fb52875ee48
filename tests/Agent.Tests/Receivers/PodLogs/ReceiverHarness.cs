using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using Microsoft.Win32.SafeHandles;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>Runs a filelog receiver over a temporary tree with fast polling, and waits for conditions with a deadline.</summary>
internal sealed class ReceiverHarness : IAsyncDisposable
{
    private PodLogsReceiver? _receiver;

    public ReceiverHarness(TempDirectory root)
    {
        Root = root;
        Host = PodLogsTestHost.Create(root.Combine("data"));
    }

    public TempDirectory Root { get; }

    public TestHost Host { get; }

    public PodLogsReceiver Receiver => _receiver ?? throw new InvalidOperationException("not started");

    public PodLogsReceiverOptions NewOptions(StartAt startAt = StartAt.Beginning) => new()
    {
        Include = [Root.Path + "/pods/*/*/*.log"],
        StartAt = startAt,
        IncludeFilePath = true,
        PollInterval = TimeSpan.FromMilliseconds(20),
        DeleteGrace = TimeSpan.FromMilliseconds(300),
        RetryBackoff = TimeSpan.FromMilliseconds(50),
        MaxBatchBytes = 4096,
        MaxBatchesInFlight = 2,
        Operators = [new OperatorOptions { Type = "container" }],
    };

    /// <summary>Starts a receiver; tests that read its metrics give it a name of their own, as tests run in parallel.</summary>
    public async Task<PodLogsReceiver> StartAsync(
        RecordingConsumer<LogsBatch> consumer,
        PodLogsReceiverOptions? options = null,
        string name = "test",
        Func<string, SafeFileHandle>? open = null,
        StartWatch? watch = null,
        TimeProvider? time = null)
    {
        Assert.Empty((options ??= NewOptions()).Validate());
        _receiver = new PodLogsReceiver(new ComponentContext(new ComponentId("filelog", name), options, Host), consumer, time, open, watch);
        await _receiver.StartAsync(CancellationToken.None);
        return _receiver;
    }

    public async Task StopAsync(TimeSpan? drain = null)
    {
        if (_receiver is null)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(drain ?? TimeSpan.FromSeconds(10));
        await _receiver.ShutdownAsync(deadline.Token);
        _receiver = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
