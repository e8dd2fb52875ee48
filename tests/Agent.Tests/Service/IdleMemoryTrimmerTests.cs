using Agent.Service;

namespace Agent.Tests.Service;

/// <summary>When the agent gives memory back: only when idle, and only when there is enough to give.</summary>
public class IdleMemoryTrimmerTests
{
    private const long Mib = 1024 * 1024;

    [Theory]
    [InlineData(1, 400, 60, true)]
    [InlineData(200, 400, 60, false)]
    [InlineData(1, 80, 60, false)]
    [InlineData(15, 93, 60, true)]
    [InlineData(16, 93, 60, false)]
    public void Trims_only_an_idle_process_holding_more_than_it_needs(long allocatedMib, long committedMib, long liveMib, bool trims)
    {
        Assert.Equal(trims, IdleMemoryTrimmer.ShouldTrim(allocatedMib * Mib, committedMib * Mib, liveMib * Mib));
    }
}
