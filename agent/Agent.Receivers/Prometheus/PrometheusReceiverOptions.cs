using Agent.Core.Config;

namespace Agent.Receivers.Prometheus;

/// <summary>
/// The Collector's <c>prometheus</c> receiver: <c>config</c> holds a Prometheus configuration, of which the
/// <c>scrape_configs</c> are read, so a Prometheus user pastes theirs.
/// </summary>
public sealed class PrometheusReceiverOptions
{
    public PrometheusConfig Config { get; set; } = new();
}

/// <summary>The part of Prometheus' own configuration file that the receiver reads.</summary>
public sealed class PrometheusConfig : IValidatable
{
    public List<ScrapeConfig> ScrapeConfigs { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ScrapeConfigs.Count; i++)
        {
            if (!names.Add(ScrapeConfigs[i].JobName))
            {
                yield return ($"scrape_configs[{i}].job_name", $"\"{ScrapeConfigs[i].JobName}\" is used by another scrape config");
            }
        }
    }
}
