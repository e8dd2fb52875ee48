namespace Agent.Processors.MemoryLimiter;

/// <summary>What the limiter measures and how it frees memory; a fake stands in for the runtime in tests.</summary>
public interface IMemorySource
{
    /// <summary>Bytes in use now, as the limiter compares them with its limits.</summary>
    long UsedBytes();

    /// <summary>Forces a full collection that also hands free memory back to the system.</summary>
    void Collect();
}
