using System.Globalization;
using System.Text;

namespace Agent.Receivers.Prometheus.Exposition;

/// <summary>Numbers as the exposition formats write them, which are Go's float syntax rather than .NET's.</summary>
internal static class SampleValues
{
    /// <summary>A float as Go's ParseFloat reads it: decimals and exponents, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static bool TryParseFloat(ReadOnlySpan<byte> token, out double value)
    {
        if (token.IsEmpty || token.Length > 64)
        {
            value = 0;
            return false;
        }

        var unsigned = token[0] is (byte)'+' or (byte)'-' ? token[1..] : token;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = token[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(token, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        // .NET would also take its own "Infinity" symbol and thousands of other forms only with more styles: Float
        // admits sign, decimal point and exponent, as Go does.
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !HasLetterOtherThanExponent(token);
    }

    /// <summary>Unescapes a label value (<c>\\</c>, <c>\"</c>, <c>\n</c>); other escapes keep their backslash, as Prometheus does.</summary>
    public static string Unescape(ReadOnlySpan<byte> escaped)
    {
        Span<byte> buffer = escaped.Length <= 256 ? stackalloc byte[escaped.Length] : new byte[escaped.Length];
        int length = 0;
        for (int i = 0; i < escaped.Length; i++)
        {
            byte b = escaped[i];
            if (b == (byte)'\\' && i + 1 < escaped.Length)
            {
                byte next = escaped[i + 1];
                if (next is (byte)'\\' or (byte)'"' or (byte)'n')
                {
                    buffer[length++] = next == (byte)'n' ? (byte)'\n' : next;
                    i++;
                    continue;
                }
            }

            buffer[length++] = b;
        }

        return System.Text.Encoding.UTF8.GetString(buffer[..length]);
    }

    private static bool HasLetterOtherThanExponent(ReadOnlySpan<byte> token)
    {
        foreach (byte b in token)
        {
            if (char.IsAsciiLetter((char)b) && b is not ((byte)'e' or (byte)'E'))
            {
                return true;
            }
        }

        return false;
    }
}
