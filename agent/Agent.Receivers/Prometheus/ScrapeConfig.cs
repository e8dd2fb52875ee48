using Agent.Core.Config;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Receivers.Prometheus.Relabeling;

namespace Agent.Receivers.Prometheus;

/// <summary>One entry of <c>scrape_configs</c>, under Prometheus' keys and with its defaults.</summary>
public sealed class ScrapeConfig : IValidatable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// 16 MiB: fifty times what a node_exporter answers, kube-state-metrics for about ten thousand pods. A target's first
    /// scrape allocates about 26 times its text (benchmarks/README.md, Prometheus scrape): some 400 MiB at this size.
    /// </summary>
    public static readonly ByteSize DefaultBodySizeLimit = new(16L * 1024 * 1024);

    /// <summary>The <c>job</c> label of every target, and so the <c>service.name</c> of what they serve.</summary>
    public string JobName { get; set; } = string.Empty;

    public TimeSpan ScrapeInterval { get; set; } = DefaultInterval;

    /// <summary>At most the interval; unset means 10s or the interval when that is shorter.</summary>
    public TimeSpan? ScrapeTimeout { get; set; }

    public string MetricsPath { get; set; } = "/metrics";

    public string Scheme { get; set; } = "http";

    /// <summary>URL query parameters of every scrape.</summary>
    public Dictionary<string, List<string>> Params { get; set; } = [];

    /// <summary>On a clash, keep the scraped label rather than the target's (which would become <c>exported_*</c>).</summary>
    public bool HonorLabels { get; set; }

    /// <summary>Use the timestamps the target writes; when false every sample takes the scrape's time.</summary>
    public bool HonorTimestamps { get; set; } = true;

    public List<StaticConfig> StaticConfigs { get; set; } = [];

    /// <summary>Targets discovered from the Kubernetes API, beside any static ones.</summary>
    public List<KubernetesSdConfig> KubernetesSdConfigs { get; set; } = [];

    public List<RelabelConfig> RelabelConfigs { get; set; } = [];

    public List<RelabelConfig> MetricRelabelConfigs { get; set; } = [];

    /// <summary>More samples than this (after metric relabelling) fail the scrape; 0 = no limit.</summary>
    public int SampleLimit { get; set; }

    /// <summary>More labels on one sample than this fail the scrape; 0 = no limit.</summary>
    public int LabelLimit { get; set; }

    /// <summary>
    /// A body larger than this once decompressed fails the scrape, read no further than the limit; 0 = no limit.
    /// Prometheus has no limit by default; the agent is memory-bounded, so its default is <see cref="DefaultBodySizeLimit"/>.
    /// </summary>
    public ByteSize? BodySizeLimit { get; set; } = DefaultBodySizeLimit;

    public AuthorizationConfig? Authorization { get; set; }

    public BasicAuthConfig? BasicAuth { get; set; }

    public string? BearerTokenFile { get; set; }

    public TlsConfig? TlsConfig { get; set; }

    /// <summary>The timeout that applies: as set, else 10s capped by the interval.</summary>
    public TimeSpan EffectiveTimeout => ScrapeTimeout ?? (DefaultTimeout < ScrapeInterval ? DefaultTimeout : ScrapeInterval);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(JobName))
        {
            yield return ("job_name", "is required");
        }

        if (ScrapeInterval <= TimeSpan.Zero)
        {
            yield return ("scrape_interval", "must be a positive duration");
        }

        if (EffectiveTimeout <= TimeSpan.Zero || EffectiveTimeout > ScrapeInterval)
        {
            yield return ("scrape_timeout", "must be positive and at most scrape_interval");
        }

        if (Scheme is not ("http" or "https"))
        {
            yield return ("scheme", $"must be http or https, not \"{Scheme}\"");
        }

        if (!MetricsPath.StartsWith('/'))
        {
            yield return ("metrics_path", "must start with /");
        }

        if (SampleLimit < 0 || LabelLimit < 0)
        {
            yield return (SampleLimit < 0 ? "sample_limit" : "label_limit", "must not be negative");
        }

        int credentials = (Authorization is null ? 0 : 1) + (BasicAuth is null ? 0 : 1) + (BearerTokenFile is null ? 0 : 1);
        if (credentials > 1)
        {
            yield return ("authorization", "authorization, basic_auth and bearer_token_file exclude each other");
        }

        if (StaticConfigs.Count == 0 && KubernetesSdConfigs.Count == 0)
        {
            yield return ("static_configs", "at least one target source is required (static_configs or kubernetes_sd_configs)");
        }
    }
}

/// <summary>Prometheus' <c>authorization</c> block: a credential in the Authorization header under <c>type</c>.</summary>
public sealed class AuthorizationConfig : IValidatable
{
    public string Type { get; set; } = "Bearer";

    public string? Credentials { get; set; }

    public string? CredentialsFile { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!string.Equals(Type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            yield return ("type", "only Bearer is supported");
        }

        if ((Credentials is null) == (CredentialsFile is null))
        {
            yield return ("credentials", "set one of credentials or credentials_file");
        }
    }
}

/// <summary>Prometheus' <c>basic_auth</c> block.</summary>
public sealed class BasicAuthConfig : IValidatable
{
    public string Username { get; set; } = string.Empty;

    public string? Password { get; set; }

    /// <summary>Read once when the receiver starts.</summary>
    public string? PasswordFile { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Username))
        {
            yield return ("username", "is required");
        }

        if (Password is not null && PasswordFile is not null)
        {
            yield return ("password", "password and password_file exclude each other");
        }
    }
}

/// <summary>Prometheus' <c>tls_config</c> block.</summary>
public sealed class TlsConfig
{
    public string? CaFile { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ServerName { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary><c>TLS12</c> or <c>TLS13</c>, as Prometheus writes them.</summary>
    public string? MinVersion { get; set; }
}
