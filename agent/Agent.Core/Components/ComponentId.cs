using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Agent.Core.Components;

/// <summary>
/// A component's config key, <c>type[/name]</c>, under the Collector's rules: the type is a letter followed by up
/// to 62 letters, digits or underscores; the name is up to 1024 characters without whitespace, control characters
/// or symbols. Spaces around either part are ignored, as the Collector does.
/// </summary>
public readonly partial record struct ComponentId(string Type, string Name = "")
{
    public const int MaxNameLength = 1024;

    public static bool TryParse(string text, [NotNullWhen(true)] out ComponentId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string type = (slash < 0 ? text : text[..slash]).Trim();
        string name = slash < 0 ? string.Empty : text[(slash + 1)..].Trim();
        if (type.Length == 0)
        {
            error = slash < 0 ? "the id must not be empty" : $"in \"{text}\": the part before / must not be empty";
            return false;
        }

        if (!TypePattern().IsMatch(type))
        {
            error = $"invalid component type \"{type}\": it must start with a letter and hold at most 63 letters, digits or underscores";
            return false;
        }

        if (slash >= 0 && name.Length == 0)
        {
            error = $"in \"{text}\": the part after / must not be empty";
            return false;
        }

        if (name.Length > MaxNameLength || !IsValidName(name))
        {
            error = $"invalid component name \"{name}\": it must be 1 to {MaxNameLength} characters without whitespace, control characters or symbols";
            return false;
        }

        id = new ComponentId(type, name);
        error = null;
        return true;
    }

    public override string ToString() => Name.Length == 0 ? Type : $"{Type}/{Name}";

    /// <summary>Letters, marks, digits and punctuation only: no separators (Z), control or format (C) or symbols (S).</summary>
    private static bool IsValidName(string name)
    {
        // A lone surrogate comes out as U+FFFD, the replacement character, which is a symbol: refused too.
        foreach (var rune in name.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.SpaceSeparator:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.MathSymbol:
                case UnicodeCategory.CurrencySymbol:
                case UnicodeCategory.ModifierSymbol:
                case UnicodeCategory.OtherSymbol:
                    return false;
            }
        }

        return true;
    }

    [GeneratedRegex("^[a-zA-Z][0-9a-zA-Z_]{0,62}$")]
    private static partial Regex TypePattern();
}
