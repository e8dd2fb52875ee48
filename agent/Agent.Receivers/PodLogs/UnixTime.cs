namespace Agent.Receivers.PodLogs;

internal static class UnixTime
{
    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public static long ToUnixTimeNanoseconds(this DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
