using System.Text;

namespace Agent.Receivers.PodLogs;

/// <summary>Maps level words to OTLP severity numbers (trace 1, debug 5, info 9, warn 13, error 17, fatal 21).</summary>
internal static class Severity
{
    // Every word but "information" fits in eight bytes: a word packed into an integer, ASCII letters lowered, is
    // compared at once instead of byte by byte (this runs for every line that has a level). Most frequent first.
    private static readonly (ulong Word, int Length, byte Number)[] Words =
    [
        Level("info", 9), Level("error", 17), Level("warn", 13), Level("debug", 5), Level("warning", 13),
        Level("trace", 1), Level("err", 17), Level("notice", 9), Level("fatal", 21), Level("dbg", 5),
        Level("trc", 1), Level("dpanic", 17), Level("critical", 21), Level("crit", 21), Level("panic", 21),
        Level("emerg", 21), Level("alert", 21),
    ];

    public static byte FromLevel(ReadOnlySpan<byte> level)
    {
        if (level.Length > sizeof(ulong))
        {
            return Ascii.EqualsIgnoreCase(level, "information"u8) ? (byte)9 : (byte)0;
        }

        ulong word = Pack(level);
        foreach (var (candidate, length, number) in Words)
        {
            if (word == candidate && level.Length == length)
            {
                return number;
            }
        }

        return 0;
    }

    /// <summary>Up to eight bytes, the first in the lowest byte, ASCII letters in lower case.</summary>
    private static ulong Pack(ReadOnlySpan<byte> bytes)
    {
        ulong word = 0;
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            byte b = bytes[i];
            word = (word << 8) | ((uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b);
        }

        return word;
    }

    private static (ulong, int, byte) Level(string word, byte number) =>
        (Pack(Encoding.ASCII.GetBytes(word)), word.Length, number);
}
