namespace Agent.Tests.Support;

/// <summary>Waits for a positive signal that something happened elsewhere (another process, a background loop).</summary>
internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails after <paramref name="seconds"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, int seconds = 30) =>
        ReadUntilAsync(() => Task.FromResult(condition()), holds => holds, what, seconds);

    /// <summary>Reads until <paramref name="done"/> holds for what was read, and returns it; fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
