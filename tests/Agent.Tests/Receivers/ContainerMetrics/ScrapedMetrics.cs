using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>Looks up what one scrape produced, by metric name and attributes, the way a query would.</summary>
internal sealed class ScrapedMetrics(ScrapeResult result)
{
    public ScrapeResult Result => result;

    /// <summary>Every (resource attributes, metric, point) of the scrape.</summary>
    public IEnumerable<(Dictionary<string, string> Resource, Metric Metric, NumberDataPoint Point)> Points =>
        from resourceMetrics in result.Metrics.ResourceMetrics
        let resource = Attributes(resourceMetrics.Resource.Attributes)
        from scope in resourceMetrics.ScopeMetrics
        from metric in scope.Metrics
        from point in metric.DataCase == Metric.DataOneofCase.Gauge ? metric.Gauge.DataPoints : metric.Sum.DataPoints
        select (resource, metric, point);

    /// <summary>The one point of <paramref name="name"/> whose attributes include <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) => Single(name, labels).Point.AsDouble;

    public (Dictionary<string, string> Resource, Metric Metric, NumberDataPoint Point) Single(string name, params (string Key, string Value)[] labels)
    {
        var matches = Points.Where(p => p.Metric.Name == name && Has(Attributes(p.Point.Attributes), labels)).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} points of {name} with {string.Join(", ", labels)}");
        return matches[0];
    }

    /// <summary>The one point of <paramref name="name"/> in the resource whose attributes include <paramref name="resource"/>.</summary>
    public double OtelValue(string name, (string Key, string Value) resource, params (string Key, string Value)[] labels)
    {
        var matches = Points.Where(p => p.Metric.Name == name && Has(p.Resource, [resource]) && Has(Attributes(p.Point.Attributes), labels)).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} points of {name} in {resource} with {string.Join(", ", labels)}");
        return matches[0].Point.AsDouble;
    }

    /// <summary>The distinct values of one label over all points of <paramref name="name"/>.</summary>
    public string[] LabelValues(string name, string key) =>
        [.. Points.Where(p => p.Metric.Name == name).Select(p => Attributes(p.Point.Attributes).GetValueOrDefault(key, "<none>")).Distinct().Order(StringComparer.Ordinal)];

    public static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);

    private static bool Has(Dictionary<string, string> attributes, (string Key, string Value)[] wanted) =>
        wanted.All(w => attributes.TryGetValue(w.Key, out string? value) && value == w.Value);
}
