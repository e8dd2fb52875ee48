namespace Agent.LoadHarness.Measurement;

internal static class Units
{
    public const double MiB = 1024 * 1024;

    /// <summary>Decimal megabytes, as throughput is usually quoted (MB/s).</summary>
    public const double MB = 1_000_000;
}
