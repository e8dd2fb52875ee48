namespace Agent.Core.Model;

/// <summary>Which stream of the container a line came from.</summary>
public enum LogStream : byte
{
    /// <summary>Plain files have no stream; no <c>log.iostream</c> attribute is written.</summary>
    Unknown = 0,
    Stdout = 1,
    Stderr = 2,
}

/// <summary>
/// One log record of a <see cref="RawLogChunk"/>: offsets into the chunk's buffer, never a copy, so the tailing hot
/// path allocates nothing per line.
/// </summary>
/// <remarks>
/// The contract between the file tailer (which fills entries) and exporters (which read them):
/// <list type="bullet">
/// <item><see cref="Offset"/>/<see cref="Length"/> frame the record's text in <see cref="RawLogChunk.Bytes"/>
/// (read it with <see cref="RawLogChunk.Line"/>). It is valid UTF-8 (invalid input was replaced by U+FFFD), without
/// the line's newline nor a CR before it, with split lines (CRI <c>P</c>/<c>F</c>, docker partials) already joined
/// and JSON escapes of docker lines already decoded. It may be empty (the application wrote an empty line).</item>
/// <item><see cref="TimeUnixNano"/> is the time the runtime wrote with the line (nanoseconds since the epoch, UTC);
/// for plain files, the time the line was read. The observed time is <see cref="RawLogChunk.ObservedTimeUnixNano"/>.</item>
/// <item>Field offsets (level, trace id, span id) are absolute offsets into the same buffer and point inside the
/// record's text (read them with <see cref="RawLogChunk.Field"/>); an offset of -1 means absent. A trace id is
/// always 32 hex digits and a span id 16 (either case); the level is the text as written (<c>INFO</c>, <c>warn</c>).</item>
/// <item><see cref="SeverityNumber"/> is the OTLP number for a level the tailer knows (trace 1, debug 5, info 9,
/// warn 13, error 17, fatal 21), else 0 (unspecified) even when a level text was found.</item>
/// <item>The attribute <c>log.iostream</c> is <see cref="Stream"/> (<c>stdout</c>/<c>stderr</c>; none when unknown).</item>
/// </list>
/// </remarks>
public struct RawLogEntry
{
    public long TimeUnixNano;
    public int Offset;
    public int Length;
    public LogStream Stream;

    /// <summary>The OTLP severity number derived from the level found in the line (0 when none).</summary>
    public byte SeverityNumber;

    /// <summary>True when the record was cut at <c>max_log_size</c> (the rest of the line was dropped).</summary>
    public bool Truncated;

    public int LevelOffset;
    public int LevelLength;
    public int TraceIdOffset;
    public int TraceIdLength;
    public int SpanIdOffset;
    public int SpanIdLength;
}
