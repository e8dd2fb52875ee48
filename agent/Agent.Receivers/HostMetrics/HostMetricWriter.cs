using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.Scraping;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// What one scrape writes to: the metrics (less those switched off), the time stamps every point shares, and the
/// count of what could not be read. A file that cannot be read, or a line or value that does not parse, counts as
/// one errored point and is skipped; the scrape goes on with the rest.
/// </summary>
internal sealed class HostMetricWriter(MetricSetBuilder builder, IReadOnlySet<string> disabled, ProcFileReader files, ulong startUnixNano, ulong nowUnixNano)
{
    public int FailedPoints { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>A file's bytes, valid until the next read; false (counted) when it cannot be read.</summary>
    public bool TryRead(string path, out ReadOnlySpan<byte> content)
    {
        if (files.TryRead(path, out content, out string? error))
        {
            return true;
        }

        Fail(error!);
        return false;
    }

    public void Fail(string error)
    {
        FailedPoints++;
        FirstError ??= error;
    }

    /// <summary>A monotonic cumulative sum since boot: a Prometheus counter.</summary>
    public void Counter(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (!disabled.Contains(name))
        {
            builder.Counter(name, unit, description, value, startUnixNano, nowUnixNano, attributes);
        }
    }

    /// <summary>A cumulative sum that may go down (the semantic conventions' usage metrics).</summary>
    public void UpDownCounter(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (!disabled.Contains(name))
        {
            builder.UpDownCounter(name, unit, description, value, startUnixNano, nowUnixNano, attributes);
        }
    }

    public void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (!disabled.Contains(name))
        {
            builder.Gauge(name, unit, description, value, nowUnixNano, attributes);
        }
    }
}
