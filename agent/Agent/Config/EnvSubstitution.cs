using System.Text;

namespace Agent.Config;

/// <summary>
/// Expands <c>${env:NAME}</c> and <c>${env:NAME:-default}</c> in scalar values, as the Collector does; <c>$$</c>
/// stands for a literal <c>$</c>. Substitution happens per value after parsing, so positions in errors stay exact
/// and a value can never inject YAML structure.
/// </summary>
internal static class EnvSubstitution
{
    public static string Expand(string value, Func<string, string?> lookup, out string? error) =>
        Expand(value, lookup, unset: null, out error);

    /// <param name="unset">Collects the names referenced without a default that are not set (they expand to nothing, as in the Collector).</param>
    public static string Expand(string value, Func<string, string?> lookup, List<string>? unset, out string? error)
    {
        error = null;
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '$' || i + 1 >= value.Length)
            {
                result.Append(c);
                continue;
            }

            if (value[i + 1] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }

            if (value[i + 1] != '{')
            {
                result.Append(c);
                continue;
            }

            int close = value.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = $"unclosed \"${{\" in \"{value}\"";
                return value;
            }

            string reference = value[(i + 2)..close];
            if (!reference.StartsWith("env:", StringComparison.Ordinal))
            {
                error = $"unsupported reference \"${{{reference}}}\": only ${{env:NAME}} and ${{env:NAME:-default}} are supported";
                return value;
            }

            string name = reference[4..];
            string? fallback = null;
            int dash = name.IndexOf(":-", StringComparison.Ordinal);
            if (dash >= 0)
            {
                fallback = name[(dash + 2)..];
                name = name[..dash];
            }

            if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            {
                error = $"invalid environment variable name \"{name}\"";
                return value;
            }

            string? found = lookup(name);
            if (string.IsNullOrEmpty(found) && fallback is null)
            {
                unset?.Add(name);
            }

            result.Append(string.IsNullOrEmpty(found) ? fallback ?? string.Empty : found);
            i = close;
        }

        return result.ToString();
    }
}
