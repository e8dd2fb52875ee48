using Agent.Core.Config;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// An include block and an exclude block compiled: a name passes when the include (if any) matches it and the
/// exclude (if any) does not. Scrapers ask once per device per scrape; names are few, so a set or a handful of
/// linear-time regular expressions is cheap enough.
/// </summary>
internal sealed class NameFilter
{
    public static readonly NameFilter All = new(null, null);

    private readonly Func<string, bool>? _include;
    private readonly Func<string, bool>? _exclude;

    private NameFilter(Func<string, bool>? include, Func<string, bool>? exclude)
    {
        _include = include;
        _exclude = exclude;
    }

    public static NameFilter Create(NameFilterOptions? include, NameFilterOptions? exclude) =>
        new(Compile(include), Compile(exclude));

    /// <summary>A filter that excludes what a default pattern matches (node_exporter's defaults), anchored by the pattern itself.</summary>
    public static NameFilter ExcludingPattern(string pattern) =>
        new(null, ConfigRegex.Create(pattern).IsMatch);

    public bool Allows(string name) => (_include is null || _include(name)) && (_exclude is null || !_exclude(name));

    private static Func<string, bool>? Compile(NameFilterOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        if (options.MatchType == NameMatch.Strict)
        {
            var names = options.Listed.ToHashSet(StringComparer.Ordinal);
            return names.Contains;
        }

        var patterns = options.Listed.Select(ConfigRegex.Create).ToArray();
        return name => patterns.Any(pattern => pattern.IsMatch(name));
    }
}
