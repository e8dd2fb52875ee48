using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Agent.Core.Config;

/// <summary>
/// A regular expression option that must match its whole input, as Prometheus relabel <c>regex</c> does: the
/// pattern <c>(.*)-web</c> behaves as <c>^(?:(.*)-web)$</c> (capture group numbers are unchanged). Built with
/// <c>\A</c> and <c>\z</c>, so, as in Go and unlike .NET's <c>$</c>, a trailing newline is not skipped. Compiled
/// at load time with the same rules as <see cref="ConfigRegex"/>.
/// </summary>
public sealed class AnchoredRegex
{
    private AnchoredRegex(string pattern, Regex regex)
    {
        Pattern = pattern;
        Regex = regex;
    }

    /// <summary>The pattern as written in the configuration, without the anchors.</summary>
    public string Pattern { get; }

    /// <summary>The anchored, compiled pattern.</summary>
    public Regex Regex { get; }

    public bool IsMatch(string input) => Regex.IsMatch(input);

    /// <exception cref="ArgumentException">The pattern is invalid; the message says why.</exception>
    public static AnchoredRegex Create(string pattern) =>
        TryCreate(pattern, out var regex, out string? error) ? regex : throw new ArgumentException(error, nameof(pattern));

    public static bool TryCreate(string pattern, [NotNullWhen(true)] out AnchoredRegex? regex, [NotNullWhen(false)] out string? error)
    {
        var compiled = ConfigRegexCompiler.Compile(pattern, anchored: true, out error);
        regex = compiled is null ? null : new AnchoredRegex(pattern, compiled);
        return regex is not null;
    }

    public override string ToString() => Pattern;
}
