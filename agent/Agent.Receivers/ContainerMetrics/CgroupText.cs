using System.Buffers.Text;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// The few shapes cgroup files come in, parsed on spans of the bytes read: a single number (<c>memory.current</c>),
/// flat keyed lines (<c>cpu.stat</c>: <c>usage_usec 123</c>) and nested keyed lines (<c>io.stat</c>:
/// <c>8:0 rbytes=1 wbytes=2</c>). Nothing here allocates; a malformed value makes the caller count the file failed.
/// </summary>
internal static class CgroupText
{
    /// <summary>A file holding one unsigned number and a newline; <c>max</c> (no limit) is refused.</summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> text, out ulong value)
    {
        text = text.TrimEnd((byte)'\n');
        return Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && consumed > 0;
    }

    /// <summary>
    /// Finds <paramref name="key"/> at the start of a line of <c>key value</c> lines. False when the key is absent
    /// (<paramref name="malformed"/> false) or its value is not a number (<paramref name="malformed"/> true).
    /// </summary>
    public static bool TryFindKeyed(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, out ulong value, out bool malformed)
    {
        value = 0;
        malformed = false;
        while (NextLine(ref text, out var line))
        {
            if (line.Length > key.Length && line[key.Length] == (byte)' ' && line.StartsWith(key))
            {
                var number = line[(key.Length + 1)..];
                malformed = !Utf8Parser.TryParse(number, out value, out int consumed) || consumed != number.Length || consumed == 0;
                return !malformed;
            }
        }

        return false;
    }

    /// <summary>Reads the next line; false at the end of the text.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty)
        {
            line = default;
            return false;
        }

        int end = text.IndexOf((byte)'\n');
        line = end < 0 ? text : text[..end];
        text = end < 0 ? default : text[(end + 1)..];
        return true;
    }

    /// <summary>Splits off the next space-separated field of a line.</summary>
    public static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> line)
    {
        line = line.TrimStart((byte)' ');
        int end = line.IndexOf((byte)' ');
        var field = end < 0 ? line : line[..end];
        line = end < 0 ? default : line[(end + 1)..];
        return field;
    }

    /// <summary>Parses <c>major:minor</c>, the device key of <c>io.stat</c> and <c>blkio.*</c> lines.</summary>
    public static bool TryParseDevice(ReadOnlySpan<byte> field, out uint major, out uint minor)
    {
        minor = 0;
        int colon = field.IndexOf((byte)':');
        return Utf8Parser.TryParse(field, out major, out int consumed) && consumed == colon && colon > 0
            && Utf8Parser.TryParse(field[(colon + 1)..], out minor, out consumed) && consumed == field.Length - colon - 1 && consumed > 0;
    }

    /// <summary>Parses a whole field as an unsigned number.</summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> field, out ulong value) =>
        Utf8Parser.TryParse(field, out value, out int consumed) && consumed == field.Length && consumed > 0;
}
