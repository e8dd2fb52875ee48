using Agent.Processors.MemoryLimiter;

namespace Agent.Tests.Processors.MemoryLimiter;

/// <summary>Memory as a test sets it; a collection leaves what <see cref="AfterCollection"/> says.</summary>
internal sealed class FakeMemory : IMemorySource
{
    public long Used { get; set; }

    /// <summary>What a collection leaves; null frees nothing.</summary>
    public long? AfterCollection { get; set; }

    public int Collections { get; private set; }

    public int Reads { get; private set; }

    public long UsedBytes()
    {
        Reads++;
        return Used;
    }

    public void Collect()
    {
        Collections++;
        Used = AfterCollection ?? Used;
    }
}
