using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Agent.Core.Config;
using YamlDotNet.Core;

namespace Agent.Config;

/// <summary>Turns one scalar's text into an option's type, or says in plain words what was expected instead.</summary>
internal static class ScalarConverter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>True for the types read from a single scalar, even though they are classes.</summary>
    public static bool IsScalarClass(Type type) =>
        type == typeof(string) || type == typeof(object) || type == typeof(ConfigRegex) || type == typeof(AnchoredRegex) || type == typeof(Regex);

    public static bool TryConvert(string text, Type type, ScalarStyle style, out object? value, out string error)
    {
        string? problem = null;
        value = Convert(text, type, style, ref problem);
        error = value is null ? problem ?? $"expected {Expected(type)}, got \"{text}\"" : string.Empty;
        return value is not null;
    }

    /// <summary>What a missing or wrong value should have been, in words.</summary>
    public static string Expected(Type type)
    {
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(SnakeCase.From));
        }

        return type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when IsUnsigned(type) => $"a whole number from 0 to {MaxOf(type)}",
            _ when type == typeof(double) || type == typeof(float) => "a number such as 0.5, 10 or 1e-3",
            _ when type == typeof(TimeSpan) => "a duration such as 200ms, 5s or 1m",
            _ when type == typeof(ByteSize) => "a byte size such as 123, 10kB, 512KiB or 64MiB",
            _ => "a value",
        };
    }

    private static object? Convert(string text, Type type, ScalarStyle style, ref string? problem)
    {
        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(object))
        {
            return InferScalar(text, style);
        }

        if (IsUnsigned(type))
        {
            return Unsigned(text, type, ref problem);
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return Float(text, type, ref problem);
        }

        if (type == typeof(ByteSize))
        {
            return ByteSize.TryParse(text, out var size, out problem) ? size : null;
        }

        if (type == typeof(ConfigRegex) || type == typeof(Regex))
        {
            return ConfigRegex.TryCreate(text, out var regex, out problem) ? (type == typeof(Regex) ? regex.Regex : (object)regex) : null;
        }

        if (type == typeof(AnchoredRegex))
        {
            return AnchoredRegex.TryCreate(text, out var anchored, out problem) ? anchored : null;
        }

        return type switch
        {
            _ when type == typeof(bool) => bool.TryParse(text, out bool flag) ? flag : null,
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.Integer, Invariant, out int i) ? i : null,
            _ when type == typeof(long) => long.TryParse(text, NumberStyles.Integer, Invariant, out long l) ? l : null,
            _ when type == typeof(TimeSpan) => Durations.TryParse(text, out var duration) ? duration : null,
            _ when type.IsEnum => Enum.GetNames(type).FirstOrDefault(name => SnakeCase.From(name) == text || name == text) is { } name ? Enum.Parse(type, name) : null,
            _ => null,
        };
    }

    private static bool IsUnsigned(Type type) =>
        type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    private static ulong MaxOf(Type type) => type switch
    {
        _ when type == typeof(byte) => byte.MaxValue,
        _ when type == typeof(ushort) => ushort.MaxValue,
        _ when type == typeof(uint) => uint.MaxValue,
        _ => ulong.MaxValue,
    };

    /// <summary>Parsed wide first, so a negative or too large number gets its own message rather than "expected".</summary>
    private static object? Unsigned(string text, Type type, ref string? problem)
    {
        if (!BigInteger.TryParse(text, NumberStyles.Integer, Invariant, out var number))
        {
            return null;
        }

        if (number.Sign < 0)
        {
            problem = $"must not be negative, got \"{text}\"";
            return null;
        }

        if (number > MaxOf(type))
        {
            problem = $"expected {Expected(type)}, got \"{text}\" (too large)";
            return null;
        }

        return System.Convert.ChangeType((ulong)number, type, Invariant);
    }

    /// <summary>Invariant culture (a dot, never a comma); NaN, infinities and overflows to infinity are refused.</summary>
    private static object? Float(string text, Type type, ref string? problem)
    {
        if (!double.TryParse(text, NumberStyles.Float, Invariant, out double number))
        {
            return null;
        }

        object value = type == typeof(float) ? (object)(float)number : number;
        if (!double.IsFinite(number) || (value is float single && !float.IsFinite(single)))
        {
            problem = $"expected a finite number, got \"{text}\"";
            return null;
        }

        return value;
    }

    /// <summary>An untyped value (e.g. a resource attribute's): bool, integer, float, or else the text itself.</summary>
    private static object InferScalar(string text, ScalarStyle style)
    {
        if (style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            return text;
        }

        if (bool.TryParse(text, out bool flag))
        {
            return flag;
        }

        if (long.TryParse(text, NumberStyles.Integer, Invariant, out long integer))
        {
            return integer;
        }

        return double.TryParse(text, NumberStyles.Float, Invariant, out double number) ? number : text;
    }
}
