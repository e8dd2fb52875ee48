using System.Collections.Concurrent;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// OTLP attribute keys as Prometheus label names (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>), as the OpenTelemetry
/// compatibility rules say: other characters become <c>_</c>, a leading digit gets <c>key_</c> in front and a
/// leading underscore <c>key</c> (names starting with <c>__</c> are Prometheus' own). Results are cached, so a
/// key seen before costs one lookup and no allocation.
/// </summary>
internal static class PrometheusLabelNames
{
    private const int MaxCached = 10_000;
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static bool IsValid(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsLabelChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The label name for an attribute key; empty for an empty key (the attribute is then skipped).</summary>
    public static string Sanitize(string key)
    {
        if (Cache.TryGetValue(key, out string? name))
        {
            return name;
        }

        name = Build(key);
        if (Cache.Count >= MaxCached)
        {
            // Keys are bounded in practice; a flood of distinct keys must not grow the cache without end.
            Cache.Clear();
        }

        Cache[key] = name;
        return name;
    }

    private static string Build(string key)
    {
        if (key.Length == 0)
        {
            return string.Empty;
        }

        string prefix = char.IsAsciiDigit(key[0]) ? "key_" : key[0] == '_' ? "key" : string.Empty;
        if (prefix.Length == 0 && IsValid(key))
        {
            return key;
        }

        return string.Create(prefix.Length + key.Length, (prefix, key), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            var rest = span[state.prefix.Length..];
            for (int i = 0; i < state.key.Length; i++)
            {
                char c = state.key[i];
                rest[i] = IsLabelChar(c) ? c : '_';
            }
        });
    }

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
