using System.Buffers;
using System.Text;
using Agent.Receivers.Prometheus.Exposition;
using Agent.Receivers.Prometheus.Relabeling;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// Turns one target's expositions into sample groups, scrape after scrape. Like Prometheus' scrape cache it keys
/// each series by its bytes as written, so a series seen before costs a lookup (no label parsing, relabelling or
/// string) and only new series are labelled, relabelled and interned. It applies <c>honor_labels</c>,
/// <c>metric_relabel_configs</c>, <c>label_limit</c> and <c>sample_limit</c>, drops duplicates and timestamps too
/// far ahead (counted), and tells which groups went away since the previous scrape. Not thread-safe: one per target.
/// </summary>
internal sealed partial class ScrapeAssembler
{
    /// <summary>Prometheus refuses samples more than this far ahead of its clock.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(10);

    private const int MaxLabels = 512;

    private readonly Dictionary<string, CachedSeries> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _help = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _targetLabels;
    private readonly Relabeler _metricRelabeler;
    private readonly ScrapeConfig _config;
    private readonly List<SeriesGroup> _seen = [];
    private readonly List<SeriesGroup> _gone = [];

    // Groups of failed scrapes, kept in the cache so the next good scrape does not count them as added; the ones
    // that good scrape does not see are forgotten then.
    private readonly List<SeriesGroup> _afterFailure = [];
    private char[] _chars = new char[256];
    private long _scrape;

    public ScrapeAssembler(ScrapeConfig config, IReadOnlyDictionary<string, string> targetLabels)
    {
        _config = config;
        _targetLabels = targetLabels;
        _metricRelabeler = new Relabeler(config.MetricRelabelConfigs);
    }

    /// <summary>The groups the last good scrape filled.</summary>
    public IReadOnlyList<SeriesGroup> Seen => _seen;

    /// <summary>The groups the previous good scrape had and the last one did not: they get a staleness marker.</summary>
    public IReadOnlyList<SeriesGroup> Gone => _gone;

    /// <summary>
    /// Reads one exposition. On success <see cref="Seen"/> and <see cref="Gone"/> describe it; on failure (see
    /// <paramref name="outcome"/>) nothing of it is kept and <see cref="Gone"/> holds every group of the last good
    /// scrape, which Prometheus marks stale when a scrape fails.
    /// </summary>
    public void Read(ReadOnlySpan<byte> body, ExpositionFormat format, DateTimeOffset scrapeTime, ScrapeOutcome outcome)
    {
        long scrape = ++_scrape;
        var previousSeen = _seen.ToArray();
        _seen.Clear();
        _gone.Clear();
        ulong scrapeNanos = (ulong)scrapeTime.ToUnixTimeMilliseconds() * 1_000_000UL;
        long maxTimestamp = (scrapeTime + MaxFuture).ToUnixTimeMilliseconds();
        var labelScratch = ArrayPool<LabelSpan>.Shared.Rent(MaxLabels);
        try
        {
            var reader = new ExpositionReader(body, format, labelScratch.AsSpan(0, MaxLabels));
            while (reader.Read())
            {
                switch (reader.Kind)
                {
                    case LineKind.Invalid:
                        ScrapeOutcome.Add(outcome.InvalidLines, Reason(reader.Error));
                        break;
                    case LineKind.Type:
                        Remember(_types, reader.Name, reader.Text);
                        break;
                    case LineKind.Help:
                        Remember(_help, reader.Name, reader.Text);
                        break;
                    case LineKind.Sample:
                        outcome.Scraped++;
                        AddSample(ref reader, scrape, scrapeNanos, maxTimestamp, outcome);
                        break;
                }
            }

            if (format == ExpositionFormat.OpenMetrics && !reader.SawEof)
            {
                ScrapeOutcome.Add(outcome.InvalidLines, "missing_eof");
            }
        }
        finally
        {
            ArrayPool<LabelSpan>.Shared.Return(labelScratch);
        }

        outcome.Failure ??= outcome.InvalidLines.Count > 0 ? "invalid_exposition"
            : _config.SampleLimit > 0 && outcome.PostRelabeling > _config.SampleLimit ? "sample_limit"
            : null;
        if (outcome.Failure is not null)
        {
            // As in Prometheus, a failed scrape keeps nothing: its series are as good as absent (stale), but the
            // cache remembers them, so a recovered target does not report every series as added.
            _afterFailure.AddRange(previousSeen);
            _afterFailure.AddRange(_seen);
            _seen.Clear();
            _gone.AddRange(previousSeen);
            return;
        }

        if (_afterFailure.Count > 0)
        {
            Forget(_afterFailure.Where(group => group.LastScrape != scrape));
            _afterFailure.Clear();
        }

        foreach (var group in previousSeen)
        {
            if (group.LastScrape != scrape)
            {
                _gone.Add(group);
            }
        }

        Forget(_gone);
    }

    /// <summary>Everything the target had, for the staleness markers when it goes away.</summary>
    public void Stop()
    {
        _gone.Clear();
        _gone.AddRange(_seen);
        _seen.Clear();
    }

    private void AddSample(ref ExpositionReader reader, long scrape, ulong scrapeNanos, long maxTimestamp, ScrapeOutcome outcome)
    {
        var cached = Lookup(ref reader, outcome, out bool added);
        if (cached is null)
        {
            return;
        }

        if (cached.LastScrape == scrape)
        {
            ScrapeOutcome.Add(outcome.DroppedSamples, "duplicate");
            return;
        }

        cached.LastScrape = scrape;
        if (cached.Group is not { } group)
        {
            return;
        }

        ulong time = scrapeNanos;
        if (reader.HasTimestamp && _config.HonorTimestamps)
        {
            if (reader.TimestampMs > maxTimestamp || reader.TimestampMs < 0)
            {
                ScrapeOutcome.Add(outcome.DroppedSamples, "timestamp_out_of_bounds");
                return;
            }

            time = (ulong)reader.TimestampMs * 1_000_000UL;
        }

        outcome.PostRelabeling++;
        if (added)
        {
            outcome.SeriesAdded++;
        }

        if (group.LastScrape != scrape)
        {
            group.Reset(scrape);
            _seen.Add(group);
        }

        group.TimeNanos = time;
        double value = reader.Value;
        switch (cached.Role)
        {
            case SampleRole.Value:
                group.Value = value;
                group.HasValue = true;
                break;
            case SampleRole.Created:
                group.Created = value;
                break;
            case SampleRole.Sum:
                group.Sum = value;
                break;
            case SampleRole.Count:
                group.Count = value;
                group.HasValue = true;
                break;
            default:
                group.Parts.Add((cached.Bound, value));
                group.HasValue = true;
                break;
        }
    }

    /// <summary>The cached series for the line's bytes, building it on first sight; null when the line fails a limit.</summary>
    private CachedSeries? Lookup(ref ExpositionReader reader, ScrapeOutcome outcome, out bool added)
    {
        added = false;
        var key = reader.SeriesBytes;
        int length = Encoding.UTF8.GetMaxCharCount(key.Length);
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }

        int written = Encoding.UTF8.GetChars(key, _chars);
        var lookup = _series.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(_chars.AsSpan(0, written), out var cached))
        {
            return cached;
        }

        if (_config.LabelLimit > 0 && reader.Labels.Length + _targetLabels.Count > _config.LabelLimit)
        {
            outcome.Failure = "label_limit";
            return null;
        }

        cached = Build(ref reader);
        _series[new string(_chars, 0, written)] = cached;
        added = true;
        return cached;
    }

    private static void Remember(Dictionary<string, string> into, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        string key = Encoding.UTF8.GetString(name);
        if (!into.TryGetValue(key, out string? known) || !Encoding.UTF8.GetBytes(known).AsSpan().SequenceEqual(text))
        {
            into[key] = Encoding.UTF8.GetString(text);
        }
    }

    private void Forget(IEnumerable<SeriesGroup> groups)
    {
        var gone = groups.ToHashSet();
        if (gone.Count == 0)
        {
            return;
        }

        foreach (var (key, series) in _series.ToArray())
        {
            if (series.Group is { } group && gone.Contains(group))
            {
                _series.Remove(key);
            }
        }

        foreach (var (key, group) in _groups.ToArray())
        {
            if (gone.Contains(group))
            {
                _groups.Remove(key);
            }
        }
    }

    private static string Reason(LineError error) => error switch
    {
        LineError.BadMetricName => "bad_metric_name",
        LineError.BadLabels => "bad_labels",
        LineError.BadValue => "bad_value",
        LineError.BadTimestamp => "bad_timestamp",
        LineError.BadUtf8 => "invalid_utf8",
        LineError.BadComment => "bad_comment",
        LineError.TooManyLabels => "too_many_labels",
        LineError.AfterEof => "after_eof",
        _ => "invalid",
    };

    internal static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
