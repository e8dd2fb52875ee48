using System.Text;

namespace Agent.Exporters.Loki;

/// <summary>
/// Label names under the Prometheus rules Loki enforces (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>) and the stream selector
/// text Loki parses (<c>{name="value", ...}</c>, names sorted, values quoted like Go strings).
/// </summary>
internal static class LokiLabelNames
{
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A valid name for an attribute key: every other character becomes <c>_</c>, and a leading digit gets a
    /// <c>key_</c> prefix, as the OpenTelemetry-to-Prometheus translation (and Loki for structured metadata) does.
    /// Returns the key itself when it is already valid; an empty key has no name (null).
    /// </summary>
    public static string? Sanitize(string key)
    {
        if (key.Length == 0)
        {
            return null;
        }

        if (IsValid(key))
        {
            return key;
        }

        var name = new StringBuilder(key.Length + 4);
        if (char.IsAsciiDigit(key[0]))
        {
            name.Append("key_");
        }

        foreach (char c in key)
        {
            name.Append(IsNameChar(c) ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>The selector for labels already sorted by name: <c>{a="1", b="x\"y"}</c>.</summary>
    public static string Selector(IReadOnlyList<KeyValuePair<string, string>> sortedLabels)
    {
        var text = new StringBuilder(16 * (sortedLabels.Count + 1));
        text.Append('{');
        for (int i = 0; i < sortedLabels.Count; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(sortedLabels[i].Key).Append('=');
            AppendQuoted(text, sortedLabels[i].Value);
        }

        return text.Append('}').ToString();
    }

    /// <summary>A double-quoted string that Go's strconv.Unquote (Loki's label parser) reads back unchanged.</summary>
    public static void AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        text.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
