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
/// far ahead (counted), and tells which groups went away since the previous scrape. Memory stays bounded by what
/// the target serves: after each good scrape the cache forgets every series and group that scrape did not have
/// (including series relabelling dropped), and a scrape where nothing went away touches no memory at all (the
/// previous and current sets are two lists swapped). Not thread-safe: one per target.
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
    private readonly List<SeriesGroup> _gone = [];
    private List<SeriesGroup> _seen = [];
    private List<SeriesGroup> _previous = [];
    private char[] _chars = new char[256];
    private long _scrape;

    // Distinct cached series this scrape met: when it equals the cache's size, there is nothing to forget.
    private int _touched;

    public ScrapeAssembler(ScrapeConfig config, IReadOnlyDictionary<string, string> targetLabels)
    {
        _config = config;
        _targetLabels = targetLabels;
        _metricRelabeler = new Relabeler(config.MetricRelabelConfigs);
    }

    /// <summary>How many series and groups the cache holds, for the tests of its bounds.</summary>
    internal (int Series, int Groups) CacheSize => (_series.Count, _groups.Count);

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
        (_previous, _seen) = (_seen, _previous);
        _seen.Clear();
        _gone.Clear();
        _touched = 0;
        int families = 0;
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
                        families++;
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
            // cache remembers them until the next good scrape, so a recovered target does not report every series
            // as added.
            _seen.Clear();
            _gone.AddRange(_previous);
            return;
        }

        foreach (var group in _previous)
        {
            if (group.LastScrape != scrape)
            {
                _gone.Add(group);
            }
        }

        ForgetUnseen(scrape);
        ForgetMetadata(families);
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
        _touched++;
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

    /// <summary>Keeps a TYPE or HELP text; an unchanged one costs a lookup and a compare, no string.</summary>
    private void Remember(Dictionary<string, string> into, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        int most = Encoding.UTF8.GetMaxCharCount(name.Length) + Encoding.UTF8.GetMaxCharCount(text.Length);
        if (_chars.Length < most)
        {
            _chars = new char[Math.Max(most, _chars.Length * 2)];
        }

        int nameLength = Encoding.UTF8.GetChars(name, _chars);
        int textLength = Encoding.UTF8.GetChars(text, _chars.AsSpan(nameLength));
        var key = _chars.AsSpan(0, nameLength);
        var value = _chars.AsSpan(nameLength, textLength);
        var lookup = into.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out string? known) || !value.SequenceEqual(known))
        {
            lookup[key] = value.ToString();
        }
    }

    /// <summary>Drops the cached series and groups the good scrape <paramref name="scrape"/> did not fill.</summary>
    private void ForgetUnseen(long scrape)
    {
        if (_touched == _series.Count && _seen.Count == _groups.Count)
        {
            return;
        }

        // Removing while enumerating is allowed for Dictionary and allocates nothing.
        foreach (var (key, series) in _series)
        {
            if (series.LastScrape != scrape || series.Group is { } group && group.LastScrape != scrape)
            {
                _series.Remove(key);
            }
        }

        foreach (var (key, group) in _groups)
        {
            if (group.LastScrape != scrape)
            {
                _groups.Remove(key);
            }
        }
    }

    /// <summary>
    /// Forgets TYPE and HELP texts once they are mostly of families no longer served (a target whose metric names
    /// churn); the next scrape learns the current ones again.
    /// </summary>
    private void ForgetMetadata(int families)
    {
        if (_types.Count > 2 * families + 64)
        {
            _types.Clear();
            _help.Clear();
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
