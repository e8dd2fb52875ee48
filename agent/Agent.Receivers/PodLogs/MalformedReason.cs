namespace Agent.Receivers.PodLogs;

/// <summary>Why a line was skipped; the metric label is <see cref="MalformedReasons.Label"/>.</summary>
internal enum MalformedReason : byte
{
    None = 0,
    EmptyLine,
    BadTimestamp,
    BadStream,
    BadFlag,
    BadJson,
    TooLong,
}

internal static class MalformedReasons
{
    public static string Label(this MalformedReason reason) => reason switch
    {
        MalformedReason.EmptyLine => "empty_line",
        MalformedReason.BadTimestamp => "bad_timestamp",
        MalformedReason.BadStream => "bad_stream",
        MalformedReason.BadFlag => "bad_flag",
        MalformedReason.BadJson => "bad_json",
        MalformedReason.TooLong => "too_long",
        _ => "none",
    };
}
