using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Copies line bytes so that the result is valid UTF-8: each invalid sequence becomes U+FFFD (EF BF BD), as the
/// OTLP and Loki protocols require valid strings. Valid input (almost all of it) is a plain copy.
/// </summary>
internal static class Utf8Sanitizer
{
    private static ReadOnlySpan<byte> Replacement => [0xEF, 0xBF, 0xBD];

    /// <summary>The largest output for <paramref name="length"/> input bytes (every byte replaced).</summary>
    public static int MaxOutput(int length) => length * 3;

    public static bool IsValid(ReadOnlySpan<byte> source) => Utf8.IsValid(source);

    /// <summary>Copies <paramref name="source"/> rune by rune, replacing what does not decode; returns bytes written (<paramref name="destination"/> needs <see cref="MaxOutput"/>).</summary>
    public static int CopyReplacing(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written = 0;
        while (!source.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(source, out _, out int consumed);
            if (status == OperationStatus.Done)
            {
                source[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            else
            {
                Replacement.CopyTo(destination[written..]);
                written += Replacement.Length;
            }

            source = source[consumed..];
        }

        return written;
    }

    /// <summary>At most <paramref name="maxLength"/> bytes of <paramref name="text"/>, not cutting a character in two.</summary>
    public static ReadOnlySpan<byte> Truncate(ReadOnlySpan<byte> text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        int cut = maxLength;

        // Step back over continuation bytes (10xxxxxx) so the cut lands before the start of a character.
        while (cut > 0 && cut > maxLength - 3 && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return text[..cut];
    }
}
