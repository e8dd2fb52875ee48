using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Agent.Core.Components;

/// <summary>
/// A component's config key, <c>type[/name]</c>, under the Collector's rules: the type is a letter followed by up
/// to 62 letters, digits or underscores; the name is up to 1024 characters without whitespace or control characters.
/// </summary>
public readonly partial record struct ComponentId(string Type, string Name = "")
{
    public static bool TryParse(string text, [NotNullWhen(true)] out ComponentId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string type = slash < 0 ? text : text[..slash];
        string name = slash < 0 ? string.Empty : text[(slash + 1)..];
        if (!TypePattern().IsMatch(type))
        {
            error = $"invalid component type \"{type}\": it must start with a letter and hold at most 63 letters, digits or underscores";
            return false;
        }

        if (slash >= 0 && (name.Length == 0 || name.Length > 1024 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            error = $"invalid component name \"{name}\": it must be 1 to 1024 characters without whitespace or control characters";
            return false;
        }

        id = new ComponentId(type, name);
        error = null;
        return true;
    }

    public override string ToString() => Name.Length == 0 ? Type : $"{Type}/{Name}";

    [GeneratedRegex("^[a-zA-Z][0-9a-zA-Z_]{0,62}$")]
    private static partial Regex TypePattern();
}
