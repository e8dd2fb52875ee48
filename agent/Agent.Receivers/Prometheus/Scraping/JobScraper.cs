using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Receiving;
using Agent.Receivers.Prometheus.Discovery;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// One scrape config: one HTTP client (its TLS and credentials), its target sources, and a scraper per target. When
/// a source reports its groups, targets that appeared start and targets that vanished stop (with staleness markers).
/// </summary>
internal sealed class JobScraper : IAsyncDisposable
{
    private readonly ScrapeConfig _config;
    private readonly HttpClient _http;
    private readonly TargetBuilder _builder;
    private readonly IReadOnlyList<ITargetSource> _sources;
    private readonly Func<ScrapeTarget, HttpClient, TargetScraper> _createScraper;
    private readonly Dictionary<string, IReadOnlyList<TargetGroup>> _groupsBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetScraper> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _updating = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _sourceTasks = [];

    public JobScraper(ScrapeConfig config, IReadOnlyList<ITargetSource> sources, ReceiverHelper receiving, IConsumer<MetricsBatch> next, TargetTelemetry telemetry, TimeProvider time, ILogger logger)
    {
        _config = config;
        _sources = sources;
        _builder = new TargetBuilder(config);
        _http = new HttpClient(HttpHandlerBuilder.Create(ClientOptions(config), static sockets => sockets.AutomaticDecompression = System.Net.DecompressionMethods.GZip, logger), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _createScraper = (target, http) => new TargetScraper(target, config, http, receiving, next, telemetry, time, logger);
    }

    /// <summary>The targets scraped now (a copy: discovery may change them meanwhile).</summary>
    public IReadOnlyCollection<TargetScraper> Targets
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Values];
            }
        }
    }

    public void Start()
    {
        foreach (var source in _sources)
        {
            _sourceTasks.Add(source.RunAsync(groups => _ = UpdateAsync(source, groups), _stopping.Token));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_sourceTasks).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _updating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(Targets.Select(scraper => scraper.StopAsync(cancellationToken))).ConfigureAwait(false);
            lock (_running)
            {
                _running.Clear();
            }
        }
        finally
        {
            _updating.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _stopping.Dispose();
        _updating.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task UpdateAsync(ITargetSource source, IReadOnlyList<TargetGroup> groups)
    {
        // Stored before waiting: updates that queue up behind a slow one are applied newest-state-wins, whatever
        // order the waits end in (a watch can report twice before the first update has stopped its targets).
        lock (_groupsBySource)
        {
            _groupsBySource[source.GetHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture)] = groups;
        }

        await _updating.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            List<TargetGroup> current;
            lock (_groupsBySource)
            {
                current = [.. _groupsBySource.Values.SelectMany(g => g)];
            }

            var wanted = _builder.Build(current).ToDictionary(t => t.Key, StringComparer.Ordinal);
            foreach (var (key, scraper) in _running.ToArray())
            {
                if (!wanted.ContainsKey(key))
                {
                    lock (_running)
                    {
                        _running.Remove(key);
                    }

                    await scraper.StopAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            foreach (var (key, target) in wanted)
            {
                if (!_running.ContainsKey(key))
                {
                    var scraper = _createScraper(target, _http);
                    lock (_running)
                    {
                        _running[key] = scraper;
                    }

                    scraper.Start();
                }
            }
        }
        finally
        {
            _updating.Release();
        }
    }

    /// <summary>Prometheus' auth and tls_config keys as the agent's shared HTTP client settings.</summary>
    internal static HttpClientOptions ClientOptions(ScrapeConfig config)
    {
        var options = new HttpClientOptions { Timeout = config.EffectiveTimeout };
        if (config.TlsConfig is { } tls)
        {
            options.Tls = new TlsClientOptions
            {
                CaFile = tls.CaFile,
                CertFile = tls.CertFile,
                KeyFile = tls.KeyFile,
                ServerNameOverride = tls.ServerName,
                InsecureSkipVerify = tls.InsecureSkipVerify,
                MinVersion = string.Equals(tls.MinVersion, "TLS13", StringComparison.OrdinalIgnoreCase) ? TlsClientOptions.Tls13 : TlsClientOptions.Tls12,
            };
        }

        if (config.BasicAuth is { } basic)
        {
            string password = basic.PasswordFile is null ? basic.Password ?? string.Empty : File.ReadAllText(basic.PasswordFile).Trim();
            options.Auth = new ClientAuthOptions { Basic = new BasicAuthOptions { Username = basic.Username, Password = password } };
        }
        else if (config.Authorization is { } authorization)
        {
            options.Auth = authorization.CredentialsFile is null
                ? new ClientAuthOptions { BearerToken = authorization.Credentials }
                : new ClientAuthOptions { BearerTokenFile = authorization.CredentialsFile };
        }
        else if (config.BearerTokenFile is not null)
        {
            options.Auth = new ClientAuthOptions { BearerTokenFile = config.BearerTokenFile };
        }

        return options;
    }
}
