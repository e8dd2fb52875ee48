using System.Globalization;

namespace Agent.Core.Config;

/// <summary>
/// A number of bytes as written in configuration: <c>123</c> (plain bytes), <c>10kB</c>, <c>100MB</c> (powers of
/// 1000) or <c>512KiB</c>, <c>64MiB</c>, <c>1GiB</c> (powers of 1024). As in Kubernetes quantities, units are
/// case-sensitive (<c>k</c> is lower case, the others upper case), the trailing <c>B</c> may be left off
/// (<c>64Mi</c>), and a fraction is rounded up to a whole byte (<c>0.5KiB</c> is 512 bytes).
/// </summary>
public readonly record struct ByteSize(long Bytes)
{
    /// <summary>Every accepted unit, for error messages.</summary>
    public const string UnitsDescription =
        "kB, MB, GB, TB, PB, EB (powers of 1000) or KiB, MiB, GiB, TiB, PiB, EiB (powers of 1024); units are case-sensitive and the B may be left off (64Mi)";

    // Largest first, so the first exact divisor gives the shortest readable form.
    private static readonly (string Unit, long Multiplier)[] Units =
    [
        ("EiB", 1L << 60), ("EB", 1_000_000_000_000_000_000), ("PiB", 1L << 50), ("PB", 1_000_000_000_000_000),
        ("TiB", 1L << 40), ("TB", 1_000_000_000_000), ("GiB", 1L << 30), ("GB", 1_000_000_000),
        ("MiB", 1L << 20), ("MB", 1_000_000), ("KiB", 1L << 10), ("kB", 1_000), ("B", 1),
    ];

    public static ByteSize Parse(string text) =>
        TryParse(text, out var size, out string? error) ? size : throw new FormatException(error);

    /// <summary>Reads <paramref name="text"/>; on failure <paramref name="error"/> says why and quotes the text.</summary>
    public static bool TryParse(string text, out ByteSize size, out string? error)
    {
        size = default;
        error = null;
        var trimmed = text.AsSpan().Trim();
        int unitStart = trimmed.IndexOfAnyInRange('A', 'z');
        var number = (unitStart < 0 ? trimmed : trimmed[..unitStart]).TrimEnd();
        string unit = unitStart < 0 ? string.Empty : trimmed[unitStart..].ToString();

        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount))
        {
            error = $"expected a byte size such as 123, 10kB, 512KiB or 64MiB, got \"{text}\"; units are {UnitsDescription}";
            return false;
        }

        if (!TryMultiplier(unit, out long multiplier))
        {
            string? suggestion = Units.Select(u => u.Unit).Concat(Units.Select(u => u.Unit.TrimEnd('B')))
                .FirstOrDefault(u => u.Length > 0 && string.Equals(u, unit, StringComparison.OrdinalIgnoreCase));
            error = suggestion is null
                ? $"unknown byte size unit \"{unit}\" in \"{text}\"; units are {UnitsDescription}"
                : $"unknown byte size unit \"{unit}\" in \"{text}\" (did you mean {suggestion}?); units are {UnitsDescription}";
            return false;
        }

        if (amount < 0)
        {
            error = $"a byte size cannot be negative, got \"{text}\"";
            return false;
        }

        if (amount > long.MaxValue / (decimal)multiplier)
        {
            error = $"a byte size must be less than 8EiB, got \"{text}\"";
            return false;
        }

        size = new ByteSize((long)Math.Ceiling(amount * multiplier));
        return true;
    }

    /// <summary>The shortest exact form, e.g. <c>64MiB</c>, <c>100MB</c>, <c>123B</c>; it parses back to the same size.</summary>
    public override string ToString()
    {
        if (Bytes == 0)
        {
            return "0B";
        }

        long bytes = Bytes;
        var (unit, multiplier) = Units.First(u => bytes % u.Multiplier == 0);
        return (Bytes / multiplier).ToString(CultureInfo.InvariantCulture) + unit;
    }

    private static bool TryMultiplier(string unit, out long multiplier)
    {
        multiplier = 1;
        if (unit.Length == 0)
        {
            return true;
        }

        // "Mi" is "MiB" and "M" is "MB", as Kubernetes writes them; a lone "B" is plain bytes.
        string full = unit.EndsWith('B') ? unit : unit + "B";
        foreach (var (name, value) in Units)
        {
            if (name == full)
            {
                multiplier = value;
                return true;
            }
        }

        return false;
    }
}
