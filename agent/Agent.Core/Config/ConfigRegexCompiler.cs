using System.Text.RegularExpressions;

namespace Agent.Core.Config;

/// <summary>Compiles configured patterns once, turning .NET's parse errors into sentences a user can act on.</summary>
internal static class ConfigRegexCompiler
{
    // Linear-time matching whatever the input, as Go's RE2 guarantees for the configs these patterns come from.
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    /// <summary>
    /// Checks <paramref name="pattern"/> on its own (so offsets in errors are the user's, and a pattern cannot
    /// close the anchoring group early), then compiles it, wrapped in <c>\A(?:...)\z</c> when anchored.
    /// </summary>
    public static Regex? Compile(string pattern, bool anchored, out string? error)
    {
        error = null;
        try
        {
            var regex = new Regex(pattern, Options);
            return anchored ? new Regex($@"\A(?:{pattern})\z", Options) : regex;
        }
        catch (RegexParseException ex)
        {
            error = $"invalid regular expression \"{pattern}\": {Words(ex.Error)} at offset {ex.Offset}";
        }
        catch (NotSupportedException ex)
        {
            error = $"invalid regular expression \"{pattern}\": {Unsupported(ex.Message)} is not supported " +
                    "(patterns are matched in linear time, as RE2 does: no backreferences, lookaround or atomic groups)";
        }

        return null;
    }

    /// <summary><c>InsufficientClosingParentheses</c> → <c>insufficient closing parentheses</c>.</summary>
    private static string Words(RegexParseError error)
    {
        if (error == RegexParseError.Unknown)
        {
            return "malformed pattern";
        }

        var words = new System.Text.StringBuilder();
        foreach (char c in error.ToString())
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    /// <summary>The construct named in .NET's "not supported in conjunction with expressions containing: 'x'." message.</summary>
    private static string Unsupported(string message)
    {
        const string Marker = "containing: '";
        int start = message.IndexOf(Marker, StringComparison.Ordinal);
        int end = message.LastIndexOf('\'');
        return start >= 0 && end > start + Marker.Length
            ? message[(start + Marker.Length)..end]
            : "a construct in it";
    }
}
