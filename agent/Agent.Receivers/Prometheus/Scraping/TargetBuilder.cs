using System.Globalization;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Relabeling;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// Turns discovered targets into scrape targets as Prometheus does: the job's defaults (<c>job</c>,
/// <c>__scheme__</c>, <c>__metrics_path__</c>, <c>__scrape_interval__</c>, <c>__scrape_timeout__</c>,
/// <c>__param_*</c>) under the group's and target's labels, then <c>relabel_configs</c>; <c>instance</c> defaults to
/// <c>__address__</c> and every <c>__</c> label is removed after building the URL.
/// </summary>
internal sealed class TargetBuilder(ScrapeConfig config)
{
    private readonly Relabeler _relabeler = new(config.RelabelConfigs);

    public IReadOnlyList<ScrapeTarget> Build(IEnumerable<TargetGroup> groups)
    {
        var targets = new Dictionary<string, ScrapeTarget>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var discovered in group.Targets)
            {
                if (Build(group, discovered) is { } target)
                {
                    targets.TryAdd(target.Key, target);
                }
            }
        }

        return [.. targets.Values];
    }

    private ScrapeTarget? Build(TargetGroup group, IReadOnlyDictionary<string, string> discovered)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["job"] = config.JobName,
            ["__scheme__"] = config.Scheme,
            ["__metrics_path__"] = config.MetricsPath,
            ["__scrape_interval__"] = Duration(config.ScrapeInterval),
            ["__scrape_timeout__"] = Duration(config.EffectiveTimeout),
        };
        foreach (var (name, values) in config.Params)
        {
            if (values.Count > 0)
            {
                labels["__param_" + name] = values[0];
            }
        }

        foreach (var (name, value) in group.Labels)
        {
            labels[name] = value;
        }

        foreach (var (name, value) in discovered)
        {
            labels[name] = value;
        }

        if (!_relabeler.Apply(labels) || !labels.TryGetValue("__address__", out string? address) || address.Length == 0)
        {
            return null;
        }

        string scheme = labels.GetValueOrDefault("__scheme__", config.Scheme);
        string path = labels.GetValueOrDefault("__metrics_path__", config.MetricsPath);
        if (!Uri.TryCreate($"{scheme}://{address}{path}{Query(labels)}", UriKind.Absolute, out var url))
        {
            return null;
        }

        labels.TryAdd("instance", address);
        var kept = labels.Where(l => !l.Key.StartsWith("__", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
        string key = url + "|" + string.Join(",", kept.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
        return new ScrapeTarget(url, kept.GetValueOrDefault("job", config.JobName), kept["instance"], kept, key);
    }

    /// <summary>The URL's query from the <c>params</c> (all values) and any <c>__param_*</c> relabelling set.</summary>
    private string Query(Dictionary<string, string> labels)
    {
        var pairs = new List<string>();
        foreach (var (name, values) in config.Params)
        {
            string first = labels.GetValueOrDefault("__param_" + name, values.FirstOrDefault() ?? string.Empty);
            pairs.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(first));
            pairs.AddRange(values.Skip(1).Select(v => Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(v)));
        }

        foreach (var (label, value) in labels)
        {
            if (label.StartsWith("__param_", StringComparison.Ordinal) && !config.Params.ContainsKey(label["__param_".Length..]))
            {
                pairs.Add(Uri.EscapeDataString(label["__param_".Length..]) + "=" + Uri.EscapeDataString(value));
            }
        }

        return pairs.Count == 0 ? string.Empty : "?" + string.Join("&", pairs);
    }

    private static string Duration(TimeSpan span) =>
        span.TotalSeconds % 1 == 0 ? ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s" : ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
