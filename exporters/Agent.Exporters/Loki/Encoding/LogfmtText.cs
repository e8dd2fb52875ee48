using System.Buffers;
using Agent.Exporters.Serialization;

namespace Agent.Exporters.Loki.Encoding;

/// <summary>
/// logfmt values (<c>key=value</c>, as LogQL's <c>| logfmt</c> reads them): bare when they hold no space, quote,
/// equals sign or control character, else double-quoted with backslash escapes.
/// </summary>
internal static class LogfmtText
{
    private static readonly SearchValues<byte> NeedsQuotes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x21).Select(b => (byte)b), (byte)'"', (byte)'=', (byte)'\\', 0x7f]);

    public static void WritePair(PooledByteBuffer output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (output.Length > 0)
        {
            output.WriteByte((byte)' ');
        }

        output.WriteBytes(key);
        output.WriteByte((byte)'=');
        WriteValue(output, value);
    }

    public static void WriteValue(PooledByteBuffer output, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty && !value.ContainsAny(NeedsQuotes))
        {
            output.WriteBytes(value);
            return;
        }

        // Inside quotes JSON's escapes are what logfmt readers (go-logfmt, LogQL) understand.
        output.WriteByte((byte)'"');
        JsonText.WriteEscaped(output, value);
        output.WriteByte((byte)'"');
    }
}
