namespace Agent.Receivers.PodLogs;

/// <summary>Maps level words to OTLP severity numbers (trace 1, debug 5, info 9, warn 13, error 17, fatal 21).</summary>
internal static class Severity
{
    public static byte FromLevel(ReadOnlySpan<byte> level)
    {
        if (level.Length > 11)
        {
            return 0;
        }

        Span<byte> lower = stackalloc byte[11];
        for (int i = 0; i < level.Length; i++)
        {
            byte b = level[i];
            lower[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }

        return lower[..level.Length] switch
        {
            var l when l.SequenceEqual("info"u8) || l.SequenceEqual("information"u8) || l.SequenceEqual("notice"u8) => 9,
            var l when l.SequenceEqual("error"u8) || l.SequenceEqual("err"u8) || l.SequenceEqual("dpanic"u8) => 17,
            var l when l.SequenceEqual("warn"u8) || l.SequenceEqual("warning"u8) => 13,
            var l when l.SequenceEqual("debug"u8) || l.SequenceEqual("dbg"u8) => 5,
            var l when l.SequenceEqual("trace"u8) || l.SequenceEqual("trc"u8) => 1,
            var l when l.SequenceEqual("fatal"u8) || l.SequenceEqual("critical"u8) || l.SequenceEqual("crit"u8) ||
                       l.SequenceEqual("panic"u8) || l.SequenceEqual("emerg"u8) || l.SequenceEqual("alert"u8) => 21,
            _ => 0,
        };
    }
}
