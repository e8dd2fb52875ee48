using System.Globalization;
using System.Text;

namespace Agent.Tests.Fakes;

/// <summary>
/// Parses a stream selector the way Loki's push path does (LogQL label syntax): <c>{name="value", ...}</c> with
/// Prometheus label names, equality matchers only, values as Go string literals (double-quoted with escapes, or
/// back-quoted raw), no duplicate names, at least one label. Returns the labels sorted by name.
/// </summary>
public static class FakeLokiSelector
{
    public static SortedDictionary<string, string> Parse(string selector)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int i = 0;
        SkipSpace(selector, ref i);
        Expect(selector, ref i, '{');
        SkipSpace(selector, ref i);
        if (Peek(selector, i) == '}')
        {
            throw new FormatException("error at least one label pair is required per stream");
        }

        while (true)
        {
            SkipSpace(selector, ref i);
            string name = ReadName(selector, ref i);
            SkipSpace(selector, ref i);
            Expect(selector, ref i, '=');
            if (Peek(selector, i) is '~' or '=')
            {
                throw new FormatException($"only equality matchers are allowed in a stream selector, at {i}");
            }

            SkipSpace(selector, ref i);
            string value = ReadString(selector, ref i);
            if (!labels.TryAdd(name, value))
            {
                throw new FormatException($"duplicate label name: {name}");
            }

            SkipSpace(selector, ref i);
            char next = Peek(selector, i);
            i++;
            if (next == '}')
            {
                break;
            }

            if (next != ',')
            {
                throw new FormatException($"expected ',' or '}}' at {i - 1} in {selector}");
            }
        }

        SkipSpace(selector, ref i);
        if (i != selector.Length)
        {
            throw new FormatException($"unexpected text after the selector at {i}");
        }

        return labels;
    }

    private static string ReadName(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_' || (i > start && char.IsAsciiDigit(text[i]))))
        {
            i++;
        }

        if (i == start)
        {
            throw new FormatException($"expected a label name at {start} in {text}");
        }

        return text[start..i];
    }

    private static string ReadString(string text, ref int i)
    {
        char quote = Peek(text, i);
        if (quote == '`')
        {
            int end = text.IndexOf('`', i + 1);
            if (end < 0)
            {
                throw new FormatException("unterminated raw string");
            }

            string raw = text[(i + 1)..end];
            i = end + 1;
            return raw;
        }

        if (quote != '"')
        {
            throw new FormatException($"expected a quoted value at {i} in {text}");
        }

        i++;
        var bytes = new List<byte>();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new FormatException("unterminated quoted string");
            }

            char c = text[i++];
            if (c == '"')
            {
                break;
            }

            if (c == '\n')
            {
                throw new FormatException("newline in quoted string");
            }

            if (c != '\\')
            {
                int take = char.IsHighSurrogate(c) && i < text.Length && char.IsLowSurrogate(text[i]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(text.Substring(i - 1, take)));
                i += take - 1;
                continue;
            }

            char escape = Peek(text, i++);
            switch (escape)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '"': bytes.Add((byte)'"'); break;
                case 'x':
                    bytes.Add(byte.Parse(Slice(text, ref i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    break;
                case 'u' or 'U':
                    int rune = int.Parse(Slice(text, ref i, escape == 'u' ? 4 : 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(rune)));
                    break;
                case >= '0' and <= '7':
                    i--;
                    bytes.Add(Convert.ToByte(Slice(text, ref i, 3), 8));
                    break;
                default:
                    throw new FormatException($"unknown escape \\{escape}");
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string Slice(string text, ref int i, int length)
    {
        if (i + length > text.Length)
        {
            throw new FormatException("truncated escape");
        }

        string slice = text.Substring(i, length);
        i += length;
        return slice;
    }

    private static void Expect(string text, ref int i, char wanted)
    {
        if (Peek(text, i) != wanted)
        {
            throw new FormatException($"expected '{wanted}' at {i} in {text}");
        }

        i++;
    }

    private static char Peek(string text, int i) => i < text.Length ? text[i] : '\0';

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
