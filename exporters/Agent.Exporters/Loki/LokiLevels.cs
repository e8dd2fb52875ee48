namespace Agent.Exporters.Loki;

/// <summary>
/// The <c>level</c> label: the OpenTelemetry severity ranges folded to the six names Grafana colours
/// (trace, debug, info, warn, error, fatal). Index 0 means no level is known, and then no label is written.
/// </summary>
internal static class LokiLevels
{
    public const int None = 0;
    public const int Count = 7;

    private static readonly string[] Names = ["", "trace", "debug", "info", "warn", "error", "fatal"];

    private static readonly byte[][] NamesUtf8 = Names.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

    public static string Name(int level) => Names[level];

    public static ReadOnlySpan<byte> NameUtf8(int level) => NamesUtf8[level];

    /// <summary>OTLP severity numbers: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal.</summary>
    public static int FromSeverityNumber(int severity) =>
        severity is >= 1 and <= 24 ? ((severity - 1) / 4) + 1 : None;

    /// <summary>A severity text as applications write it (<c>WARNING</c>, <c>err</c>, <c>Critical</c>...).</summary>
    public static int FromText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "TRACE" or "TRC" => 1,
            "DEBUG" or "DBG" => 2,
            "INFO" or "INF" or "INFORMATION" or "NOTICE" => 3,
            "WARN" or "WRN" or "WARNING" => 4,
            "ERROR" or "ERR" => 5,
            "FATAL" or "FTL" or "CRITICAL" or "CRIT" or "PANIC" or "EMERGENCY" or "ALERT" => 6,
            _ => None,
        };
    }
}
