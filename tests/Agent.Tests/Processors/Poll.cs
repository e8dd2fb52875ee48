namespace Agent.Tests.Processors;

/// <summary>Waits for a condition that another thread makes true, with a generous deadline instead of a fixed sleep.</summary>
internal static class Poll
{
    public static async Task Until(Func<bool> condition, TimeSpan? deadline = null)
    {
        var giveUp = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp)
            {
                Assert.Fail("the condition did not become true before the deadline");
            }

            await Task.Delay(5);
        }
    }
}
