using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Agent.Core.Config;

/// <summary>
/// A regular expression option that matches anywhere in its input, as the Collector's <c>regexp</c> filters do
/// (use <see cref="AnchoredRegex"/> for Prometheus-style patterns that must match the whole input). The binder
/// compiles it when the configuration is loaded, so a bad pattern is an error at its file, line and column, not
/// at first use. Patterns use .NET syntax and run with <see cref="RegexOptions.NonBacktracking"/>: matching is
/// linear in the input, and, as with Go's RE2, backreferences, lookaround and atomic groups are refused.
/// </summary>
public sealed class ConfigRegex
{
    private ConfigRegex(string pattern, Regex regex)
    {
        Pattern = pattern;
        Regex = regex;
    }

    /// <summary>The pattern as written in the configuration.</summary>
    public string Pattern { get; }

    public Regex Regex { get; }

    public bool IsMatch(string input) => Regex.IsMatch(input);

    /// <exception cref="ArgumentException">The pattern is invalid; the message says why.</exception>
    public static ConfigRegex Create(string pattern) =>
        TryCreate(pattern, out var regex, out string? error) ? regex : throw new ArgumentException(error, nameof(pattern));

    public static bool TryCreate(string pattern, [NotNullWhen(true)] out ConfigRegex? regex, [NotNullWhen(false)] out string? error)
    {
        var compiled = ConfigRegexCompiler.Compile(pattern, anchored: false, out error);
        regex = compiled is null ? null : new ConfigRegex(pattern, compiled);
        return regex is not null;
    }

    public override string ToString() => Pattern;
}
