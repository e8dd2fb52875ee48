using System.Globalization;

namespace Agent.Core.Config;

/// <summary>Go-style durations as the Collector writes them: <c>200ms</c>, <c>5s</c>, <c>1m30s</c>, <c>1h</c>, <c>0</c>.</summary>
public static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var rest = text.AsSpan().Trim();

        // Go accepts a sign in front of the whole duration.
        bool negative = rest.StartsWith("-");
        if (negative || rest.StartsWith("+"))
        {
            rest = rest[1..];
        }

        if (rest.SequenceEqual("0"))
        {
            return true;
        }

        if (rest.IsEmpty)
        {
            return false;
        }

        double ticks = 0;
        while (!rest.IsEmpty)
        {
            int numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            int unitLength = 0;
            while (numberLength + unitLength < rest.Length && char.IsAsciiLetter(rest[numberLength + unitLength]) || (numberLength + unitLength < rest.Length && rest[numberLength + unitLength] == 'µ'))
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == 0 ||
                !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            double unitTicks = rest.Slice(numberLength, unitLength) switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1,
            };
            if (unitTicks < 0)
            {
                return false;
            }

            ticks += number * unitTicks;
            rest = rest[(numberLength + unitLength)..];
        }

        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        // Rounded, not truncated: 1.2345ms is 12344.999... ticks in binary floating point.
        long whole = (long)Math.Round(ticks);
        value = TimeSpan.FromTicks(negative ? -whole : whole);
        return true;
    }

    /// <summary>The shortest Go-style form (<c>200ms</c>, <c>5s</c>, <c>1m30s</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.Zero)
        {
            return "-" + Format(value.Duration());
        }

        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        }

        var parts = new System.Text.StringBuilder();
        if (value.Hours + (value.Days * 24) > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }

        return parts.ToString();
    }
}
