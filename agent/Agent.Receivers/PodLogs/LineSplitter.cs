namespace Agent.Receivers.PodLogs;

/// <summary>Cuts newline-terminated lines off the front of a buffer; an unterminated rest is left for the next read.</summary>
internal static class LineSplitter
{
    /// <summary>
    /// The first complete line without its <c>\n</c> (nor a <c>\r</c> before it). Returns false and consumes
    /// nothing when the buffer holds no newline yet.
    /// </summary>
    public static bool TryReadLine(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> line, out int consumed)
    {
        int newline = buffer.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = default;
            consumed = 0;
            return false;
        }

        consumed = newline + 1;
        line = TrimCarriageReturn(buffer[..newline]);
        return true;
    }

    /// <summary>Drops one trailing <c>\r</c> (CRLF line ends).</summary>
    public static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
