namespace Agent.Tests.Support;

/// <summary>Waits for a positive signal that something happened elsewhere (another process, a background loop).</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails after <paramref name="seconds"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, int seconds = 30) =>
        ReadUntilAsync(() => Task.FromResult(condition()), holds => holds, what, seconds);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds; fails after <paramref name="seconds"/> with the description
    /// <paramref name="what"/> gives at that moment (what a process had written by then, say).
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, Func<string> what, int seconds = 30) =>
        ReadUntilAsync(() => Task.FromResult(condition()), holds => holds, what, seconds);

    /// <summary>Reads until <paramref name="done"/> holds for what was read, and returns it; fails after <paramref name="seconds"/>.</summary>
    public static Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 30) =>
        ReadUntilAsync(read, done, () => what, seconds);

    private static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<string> what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"timed out waiting for {what()}");
            }

            await Task.Delay(20);
        }
    }
}
