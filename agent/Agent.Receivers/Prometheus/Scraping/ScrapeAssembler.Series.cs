using System.Text;
using Agent.Receivers.Prometheus.Exposition;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>Building a series seen for the first time: its labels, relabelling, family and group.</summary>
internal sealed partial class ScrapeAssembler
{
    private static readonly string[] Suffixes = ["_total", "_created", "_bucket", "_sum", "_count", "_gcount", "_gsum", "_info"];

    private CachedSeries Build(ref ExpositionReader reader)
    {
        var data = reader.Data;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in reader.Labels)
        {
            var value = data.Slice(label.ValueStart, label.ValueLength);
            string text = label.Escaped ? SampleValues.Unescape(value) : Encoding.UTF8.GetString(value);
            if (text.Length > 0)
            {
                labels[Encoding.UTF8.GetString(data.Slice(label.NameStart, label.NameLength))] = text;
            }
        }

        MergeTargetLabels(labels);
        labels["__name__"] = Encoding.UTF8.GetString(reader.Name);
        if (!_metricRelabeler.Apply(labels) || !labels.TryGetValue("__name__", out string? name))
        {
            return new CachedSeries(null, SampleRole.Value, 0);
        }

        var (family, type) = FamilyOf(name);
        var (kind, role) = Classify(name, family, type);
        double bound = 0;
        string? boundLabel = role == SampleRole.Bucket ? "le" : role == SampleRole.Quantile ? "quantile" : null;
        if (boundLabel is not null)
        {
            if (!labels.Remove(boundLabel, out string? text) || !SampleValues.TryParseFloat(Encoding.UTF8.GetBytes(text), out bound))
            {
                // A bucket without a readable le (or quantile) cannot be placed: keep it as a plain gauge series.
                kind = GroupKind.Gauge;
                role = SampleRole.Value;
                family = name;
            }
        }

        string groupName = kind switch
        {
            GroupKind.Gauge => name,
            GroupKind.Counter => role == SampleRole.Created ? CounterName(family) : name,
            _ => family,
        };

        var attributes = labels
            .Where(l => l.Key is not ("__name__" or "job" or "instance"))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .ToArray();
        string groupKey = groupName + "\u0000" + (int)kind + "\u0000" + string.Join("\u0000", attributes.Select(a => a.Key + "=" + a.Value));
        if (!_groups.TryGetValue(groupKey, out var group))
        {
            group = new SeriesGroup(groupName, kind, [.. attributes.Select(a => Attribute(a.Key, a.Value))], _help.GetValueOrDefault(family, string.Empty));
            _groups[groupKey] = group;
        }

        return new CachedSeries(group, role, bound);
    }

    /// <summary>Target labels join the sample's; on a clash the target wins unless honor_labels (then the scraped one becomes exported_*).</summary>
    private void MergeTargetLabels(Dictionary<string, string> labels)
    {
        foreach (var (key, value) in _targetLabels)
        {
            if (labels.TryGetValue(key, out string? scraped))
            {
                if (_config.HonorLabels)
                {
                    continue;
                }

                labels["exported_" + key] = scraped;
            }

            labels[key] = value;
        }
    }

    /// <summary>The family a sample name belongs to and its declared type: the name itself, else the name less a known suffix.</summary>
    private (string Family, string? Type) FamilyOf(string name)
    {
        if (_types.TryGetValue(name, out string? type))
        {
            return (name, type);
        }

        foreach (string suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(name[..^suffix.Length], out type))
            {
                return (name[..^suffix.Length], type);
            }
        }

        return (name, null);
    }

    private static (GroupKind, SampleRole) Classify(string name, string family, string? type)
    {
        string suffix = name.Length > family.Length ? name[family.Length..] : string.Empty;
        return type switch
        {
            "counter" => (GroupKind.Counter, suffix == "_created" ? SampleRole.Created : SampleRole.Value),
            "histogram" => suffix switch
            {
                "_bucket" => (GroupKind.Histogram, SampleRole.Bucket),
                "_sum" => (GroupKind.Histogram, SampleRole.Sum),
                "_count" => (GroupKind.Histogram, SampleRole.Count),
                "_created" => (GroupKind.Histogram, SampleRole.Created),
                _ => (GroupKind.Gauge, SampleRole.Value),
            },
            "summary" => suffix switch
            {
                "" => (GroupKind.Summary, SampleRole.Quantile),
                "_sum" => (GroupKind.Summary, SampleRole.Sum),
                "_count" => (GroupKind.Summary, SampleRole.Count),
                "_created" => (GroupKind.Summary, SampleRole.Created),
                _ => (GroupKind.Gauge, SampleRole.Value),
            },

            // Gauges, untyped/unknown, info, stateset and gauge histograms: each sample a gauge of its own name.
            _ => (GroupKind.Gauge, SampleRole.Value),
        };
    }

    /// <summary>The value sample's name a counter's <c>_created</c> belongs with: <c>x_total</c> for the family <c>x</c>.</summary>
    private static string CounterName(string family) =>
        family.EndsWith("_total", StringComparison.Ordinal) ? family : family + "_total";
}
