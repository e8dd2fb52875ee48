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

    [Theory]
    [InlineData(1, 5, true)]
    [InlineData(1, 3, false)]
    [InlineData(20, 50, false)]
    public void Trims_an_idle_process_whose_pools_let_go_of_memory_since_the_last_look(long allocatedMib, long poolReleasesMib, bool trims)
    {
        // The GC holds no more than was live at its last collection: only the pools' releases make a collection worth it.
        Assert.Equal(trims, IdleMemoryTrimmer.ShouldTrim(allocatedMib * Mib, 60 * Mib, 58 * Mib, poolReleasesMib * Mib));
    }
}
