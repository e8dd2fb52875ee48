using System.Buffers;
using System.Text;
using Agent.Exporters.Serialization;

namespace Agent.Exporters.Serialization;

/// <summary>
/// JSON string literals straight from UTF-8 bytes, for log lines of any content: quotes, backslashes and control
/// characters are escaped, and bytes that are not valid UTF-8 become U+FFFD rather than failing the request.
/// </summary>
internal static class JsonText
{
    private static readonly SearchValues<byte> NeedsCare = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>Writes <paramref name="utf8"/> as a quoted JSON string.</summary>
    public static void WriteString(PooledByteBuffer output, ReadOnlySpan<byte> utf8)
    {
        output.WriteByte((byte)'"');
        WriteEscaped(output, utf8);
        output.WriteByte((byte)'"');
    }

    public static void WriteString(PooledByteBuffer output, string text)
    {
        // Strings from OTLP are valid UTF-16; encode through a pooled span to keep the escaping in one place.
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        int length = System.Text.Encoding.UTF8.GetBytes(text, rented);
        WriteString(output, rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Writes the escaped content without quotes.</summary>
    public static void WriteEscaped(PooledByteBuffer output, ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            int plain = utf8.IndexOfAny(NeedsCare);
            if (plain < 0)
            {
                output.WriteBytes(utf8);
                return;
            }

            output.WriteBytes(utf8[..plain]);
            utf8 = utf8[plain..];
            byte b = utf8[0];
            if (b >= 0x80)
            {
                // Copy a valid multi-byte sequence as it is; replace an invalid byte.
                var status = Rune.DecodeFromUtf8(utf8, out _, out int consumed);
                if (status == OperationStatus.Done)
                {
                    output.WriteBytes(utf8[..consumed]);
                }
                else
                {
                    output.WriteBytes("\\ufffd"u8);
                    consumed = Math.Max(1, consumed);
                }

                utf8 = utf8[consumed..];
                continue;
            }

            switch (b)
            {
                case (byte)'"': output.WriteBytes("\\\""u8); break;
                case (byte)'\\': output.WriteBytes("\\\\"u8); break;
                case (byte)'\n': output.WriteBytes("\\n"u8); break;
                case (byte)'\r': output.WriteBytes("\\r"u8); break;
                case (byte)'\t': output.WriteBytes("\\t"u8); break;
                default:
                    var escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = Hex[b >> 4];
                    escape[5] = Hex[b & 0xf];
                    output.Advance(6);
                    break;
            }

            utf8 = utf8[1..];
        }
    }
}
