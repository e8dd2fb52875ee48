using System.Buffers;
using System.Text;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// The shape the docker daemon always writes, <c>{"log":"...","stream":"stdout","time":"..."}</c>, parsed with a
/// straight scan and an inline unescape: about three times cheaper than a general JSON reader. Anything else (other
/// key order, extra keys, spaces, unusual escapes) is left to <see cref="DockerParser"/>'s general path.
/// </summary>
internal static class DockerFastPath
{
    private static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);

    /// <summary>True when the line had the usual shape and was parsed; false to fall back.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, Span<byte> destination, out DockerLine result)
    {
        result = default;
        if (!line.StartsWith("{\"log\":\""u8) || !TryUnescape(line[8..], destination, out int consumed, out int written))
        {
            return false;
        }

        var rest = line[(8 + consumed)..];
        LogStream stream;
        if (rest.StartsWith("\",\"stream\":\"stdout\",\"time\":\""u8))
        {
            stream = LogStream.Stdout;
        }
        else if (rest.StartsWith("\",\"stream\":\"stderr\",\"time\":\""u8))
        {
            stream = LogStream.Stderr;
        }
        else
        {
            return false;
        }

        rest = rest[28..];
        if (rest.Length < 3 || !rest.EndsWith("\"}"u8) || !Rfc3339.TryParse(rest[..^2], out long time))
        {
            return false;
        }

        result = DockerLine.FromText(time, stream, destination, written);
        return true;
    }

    /// <summary>Decodes a JSON string body up to its closing quote (not consumed); false on anything unusual.</summary>
    private static bool TryUnescape(ReadOnlySpan<byte> text, Span<byte> destination, out int consumed, out int written)
    {
        int read = 0;
        written = 0;
        consumed = 0;
        while (true)
        {
            int special = text[read..].IndexOfAny(QuoteOrBackslash);
            if (special < 0)
            {
                return false;
            }

            text.Slice(read, special).CopyTo(destination[written..]);
            read += special;
            written += special;
            if (text[read] == '"')
            {
                consumed = read;
                return true;
            }

            if (read + 1 >= text.Length)
            {
                return false;
            }

            byte escaped = text[read + 1];
            byte plain = escaped switch
            {
                (byte)'n' => (byte)'\n',
                (byte)'t' => (byte)'\t',
                (byte)'r' => (byte)'\r',
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                _ => 0,
            };
            if (plain != 0)
            {
                destination[written++] = plain;
                read += 2;
                continue;
            }

            if (escaped != 'u' || !TryUnicodeEscape(text[read..], destination[written..], out int escapeLength, out int bytes))
            {
                return false;
            }

            read += escapeLength;
            written += bytes;
        }
    }

    /// <summary><c>\uXXXX</c>, or a surrogate pair of two; a lone surrogate becomes U+FFFD, as Go's encoder would have written.</summary>
    private static bool TryUnicodeEscape(ReadOnlySpan<byte> text, Span<byte> destination, out int escapeLength, out int written)
    {
        escapeLength = 6;
        written = 0;
        if (!TryHex4(text, out int unit))
        {
            return false;
        }

        var rune = Rune.ReplacementChar;
        if (char.IsHighSurrogate((char)unit))
        {
            if (text.Length >= 12 && text[6] == '\\' && text[7] == 'u' && TryHex4(text[6..], out int low) && char.IsLowSurrogate((char)low))
            {
                rune = new Rune((char)unit, (char)low);
                escapeLength = 12;
            }
        }
        else if (!char.IsLowSurrogate((char)unit))
        {
            rune = new Rune(unit);
        }

        written = rune.EncodeToUtf8(destination);
        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length < 6)
        {
            return false;
        }

        for (int i = 2; i < 6; i++)
        {
            int digit = HexValue(text[i]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
