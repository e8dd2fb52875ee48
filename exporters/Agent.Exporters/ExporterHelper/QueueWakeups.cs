namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// The waits of a bounded sharded queue: consumers wait for their shard to fill, producers for room. Signals are
/// made only when someone waits, and their continuations run asynchronously, so waking them under the queue's
/// lock runs none of their code there. Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class QueueWakeups(int shards)
{
    private readonly TaskCompletionSource?[] _shardFilled = new TaskCompletionSource?[shards];
    private TaskCompletionSource? _roomFreed;

    public Task ShardFilledTask(int shard) => (_shardFilled[shard] ??= NewSignal()).Task;

    public Task RoomFreedTask() => (_roomFreed ??= NewSignal()).Task;

    public void ShardFilled(int shard)
    {
        if (_shardFilled[shard] is { } filled)
        {
            _shardFilled[shard] = null;
            filled.TrySetResult();
        }
    }

    public void RoomFreed()
    {
        if (_roomFreed is { } waiting)
        {
            _roomFreed = null;
            waiting.TrySetResult();
        }
    }

    /// <summary>The queue is shut: every waiter looks again (and finds it shut).</summary>
    public void WakeAll()
    {
        RoomFreed();
        for (int i = 0; i < _shardFilled.Length; i++)
        {
            ShardFilled(i);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
