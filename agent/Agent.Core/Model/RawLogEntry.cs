namespace Agent.Core.Model;

/// <summary>Which stream of the container a line came from.</summary>
public enum LogStream : byte
{
    Unknown = 0,
    Stdout = 1,
    Stderr = 2,
}

/// <summary>
/// One log line of a <see cref="RawLogChunk"/>: offsets into the chunk's buffer, never a copy, so the tailing hot
/// path allocates nothing per line. Offsets of fields found in the line (level, trace and span ids) are -1 when absent.
/// </summary>
public struct RawLogEntry
{
    public long TimeUnixNano;
    public int Offset;
    public int Length;
    public LogStream Stream;

    /// <summary>The OTLP severity number derived from the level found in the line (0 when none).</summary>
    public byte SeverityNumber;

    /// <summary>True when the line was cut at <c>max_log_size</c>.</summary>
    public bool Truncated;

    public int LevelOffset;
    public int LevelLength;
    public int TraceIdOffset;
    public int TraceIdLength;
    public int SpanIdOffset;
    public int SpanIdLength;
}
