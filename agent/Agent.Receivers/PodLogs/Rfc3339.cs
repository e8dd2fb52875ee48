namespace Agent.Receivers.PodLogs;

/// <summary>
/// Parses RFC 3339 timestamps with up to nine fractional digits (<c>2024-01-01T12:00:00.123456789Z</c> or
/// <c>...+02:00</c>) to nanoseconds since the Unix epoch, without allocating. Container runtimes write them so.
/// </summary>
internal static class Rfc3339
{
    private const long NanosPerSecond = 1_000_000_000L;

    // Seconds whose nanoseconds, fraction added, cannot overflow.
    private const long SafeSeconds = (long.MaxValue / NanosPerSecond) - 1;

    /// <summary>Parses all of <paramref name="text"/>; false when it is not a complete timestamp.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long unixNanos)
    {
        unixNanos = 0;

        // YYYY-MM-DDTHH:MM:SS is 19 bytes; a zone ("Z" or "+hh:mm") must follow.
        if (text.Length < 20 ||
            text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':' ||
            !TryDigits(text, 0, 4, out int year) || !TryDigits(text, 5, 2, out int month) ||
            !TryDigits(text, 8, 2, out int day) || !TryDigits(text, 11, 2, out int hour) ||
            !TryDigits(text, 14, 2, out int minute) || !TryDigits(text, 17, 2, out int second))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        int position = 19;
        long fraction = 0;
        if (text[position] == '.')
        {
            position++;
            int digits = 0;
            while (position < text.Length && IsDigit(text[position]))
            {
                // Digits past nanoseconds are ignored rather than refused.
                if (digits < 9)
                {
                    fraction = (fraction * 10) + (text[position] - '0');
                }

                digits++;
                position++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (int i = digits; i < 9; i++)
            {
                fraction *= 10;
            }
        }

        if (!TryZone(text[position..], out int offsetSeconds))
        {
            return false;
        }

        // A leap second (:60) is folded onto the next second, as Unix time has none.
        long seconds = (DaysFromCivil(year, month, day) * 86400L) + (hour * 3600L) + (minute * 60L) + second - offsetSeconds;
        if (seconds is >= -SafeSeconds and <= SafeSeconds)
        {
            unixNanos = (seconds * NanosPerSecond) + fraction;
            return true;
        }

        // Int64 nanoseconds end in 1677 and 2262: a time beyond is refused rather than wrapped around to another.
        Int128 exact = ((Int128)seconds * NanosPerSecond) + fraction;
        if (exact < long.MinValue || exact > long.MaxValue)
        {
            return false;
        }

        unixNanos = (long)exact;
        return true;
    }

    private static bool TryZone(ReadOnlySpan<byte> zone, out int offsetSeconds)
    {
        offsetSeconds = 0;
        if (zone.Length == 1 && (zone[0] | 0x20) == 'z')
        {
            return true;
        }

        if (zone.Length != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
            !TryDigits(zone, 1, 2, out int hours) || !TryDigits(zone, 4, 2, out int minutes) || hours > 23 || minutes > 59)
        {
            return false;
        }

        offsetSeconds = (hours * 3600) + (minutes * 60);
        if (zone[0] == '-')
        {
            offsetSeconds = -offsetSeconds;
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yearOfEra = y - (era * 400);
        long dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        long dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146097) + dayOfEra - 719468;
    }
}
