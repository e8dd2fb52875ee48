using System.Collections.Concurrent;
using System.Text;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>What kind of Prometheus family a metric becomes; it decides the <c>_total</c> and <c>_ratio</c> suffixes.</summary>
internal enum FamilyKind
{
    Gauge,
    Counter,
    Histogram,
    Summary,
}

/// <summary>
/// OTLP metric names as Prometheus names, per the OpenTelemetry compatibility rules: characters outside
/// <c>[a-zA-Z0-9_:]</c> become <c>_</c>, runs of <c>_</c> become one, a leading digit gets <c>_</c> in front; with
/// suffixes on, the unit is appended in Prometheus' words (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>,
/// <c>m/s</c> → <c>_meters_per_second</c>, a gauge of <c>1</c> → <c>_ratio</c>, <c>{annotations}</c> dropped) and
/// counters end in <c>_total</c>. A suffix the name already has is never added again, so
/// <c>node_cpu_seconds_total</c> with unit <c>s</c> stays as it is. Results are cached per (name, unit, kind).
/// </summary>
internal sealed class PrometheusNames
{
    private const int MaxCached = 10_000;

    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    private readonly ConcurrentDictionary<(string Name, string Unit, FamilyKind Kind), MetricFamily> _cache = new();
    private readonly string _namespace;
    private readonly bool _addSuffixes;

    public PrometheusNames(string prefix, bool addSuffixes)
    {
        _namespace = prefix;
        _addSuffixes = addSuffixes;
    }

    /// <summary>The family of a metric, with the names of its series; built once per (name, unit, kind).</summary>
    public MetricFamily Family(string name, string unit, FamilyKind kind)
    {
        var key = (name, unit, kind);
        if (_cache.TryGetValue(key, out var family))
        {
            return family;
        }

        family = new MetricFamily(FamilyName(name, unit, kind), kind, UnitWords(unit, kind));
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[key] = family;
        return family;
    }

    /// <summary>The unit as Prometheus writes it in a name (<c>seconds</c>, <c>meters_per_second</c>), or empty.</summary>
    public static string UnitWords(string unit, FamilyKind kind)
    {
        // Annotations in braces say what is counted, not a unit: {requests} adds nothing.
        int brace = unit.IndexOf('{', StringComparison.Ordinal);
        if (brace >= 0)
        {
            unit = unit[..brace];
        }

        unit = unit.Trim();
        if (unit.Length == 0)
        {
            return string.Empty;
        }

        if (unit == "1")
        {
            return kind == FamilyKind.Gauge ? "ratio" : string.Empty;
        }

        int slash = unit.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return SanitizeWord(Units.GetValueOrDefault(unit, unit));
        }

        string main = unit[..slash];
        string per = unit[(slash + 1)..];
        string mainWords = main.Length == 0 ? string.Empty : SanitizeWord(Units.GetValueOrDefault(main, main));
        string perWords = per.Length == 0 ? string.Empty : SanitizeWord(PerUnits.GetValueOrDefault(per, per));
        return (mainWords, perWords) switch
        {
            ("", "") => string.Empty,
            ("", _) => "per_" + perWords,
            (_, "") => mainWords,
            _ => mainWords + "_per_" + perWords,
        };
    }

    /// <summary>A metric name with invalid characters replaced and runs of <c>_</c> collapsed.</summary>
    public static string SanitizeMetricName(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            text.Append('_');
        }

        foreach (char c in name)
        {
            char next = char.IsAsciiLetterOrDigit(c) || c == ':' ? c : '_';
            if (next == '_' && text.Length > 0 && text[^1] == '_')
            {
                continue;
            }

            text.Append(next);
        }

        return text.ToString();
    }

    /// <summary>The family name of a metric: what <c>__name__</c> holds, before <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.</summary>
    public string FamilyName(string name, string unit, FamilyKind kind)
    {
        string full = _namespace.Length > 0 ? _namespace + "_" + name : name;
        string sanitized = SanitizeMetricName(full);
        if (!_addSuffixes)
        {
            return sanitized;
        }

        // _total goes last; take it off first so the unit lands before it (and is not added twice).
        string stem = kind == FamilyKind.Counter && sanitized.EndsWith("_total", StringComparison.Ordinal)
            ? sanitized[..^"_total".Length]
            : sanitized;
        string words = UnitWords(unit, kind);
        if (words.Length > 0 && !stem.EndsWith("_" + words, StringComparison.Ordinal) && stem != words)
        {
            stem = stem + "_" + words;
        }

        return kind == FamilyKind.Counter ? stem + "_total" : stem;
    }

    private static string SanitizeWord(string word)
    {
        return SanitizeMetricName(word).Trim('_');
    }
}

/// <summary>A Prometheus metric family: its name and the names of its series, built once and reused per point.</summary>
internal sealed class MetricFamily(string name, FamilyKind kind, string unit)
{
    public string Name { get; } = name;

    public FamilyKind Kind { get; } = kind;

    /// <summary>The unit in Prometheus' words, for metadata.</summary>
    public string Unit { get; } = unit;

    public string Bucket { get; } = name + "_bucket";

    public string Sum { get; } = name + "_sum";

    public string Count { get; } = name + "_count";
}
