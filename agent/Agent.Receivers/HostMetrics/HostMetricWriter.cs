using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// What one scrape writes to: the metrics (less those switched off), the time stamps every point shares, and the
/// count of what could not be read. A file that cannot be read, or a line or value that does not parse, counts as
/// one errored point and is skipped; the scrape goes on with the rest. Points go to the host's resource unless a
/// scraper that reports per entity (the process scraper) starts a resource of its own.
/// </summary>
internal sealed class HostMetricWriter(string scope, IReadOnlySet<string> disabled, ProcFileReader files, ulong startUnixNano, ulong nowUnixNano)
{
    private readonly List<ResourceMetrics> _done = [];
    private MetricSetBuilder _builder = new(scope);
    private Resource? _resource;
    private ulong _start = startUnixNano;

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

    /// <summary>True when the metric is not switched off.</summary>
    public bool Enabled(string name) => !disabled.Contains(name);

    /// <summary>
    /// Points written from now on belong to <paramref name="resource"/>; their sums start at <paramref name="startUnixNano"/>,
    /// or now if that is later (a process's start counted from a boot time that was unusable, and so taken as now).
    /// </summary>
    public void StartResource(Resource resource, ulong startUnixNano)
    {
        FinishResource();
        _builder = new MetricSetBuilder(scope);
        _resource = resource;
        _start = Math.Min(startUnixNano, nowUnixNano);
    }

    /// <summary>Every resource written to with points, or the host's alone (maybe empty) when none has any.</summary>
    public IReadOnlyList<ResourceMetrics> Finish()
    {
        FinishResource();
        if (_done.Count == 0)
        {
            _done.Add(new MetricSetBuilder(scope).Build());
        }

        return _done;
    }

    /// <summary>A monotonic cumulative sum since boot: a Prometheus counter.</summary>
    public void Counter(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (Enabled(name))
        {
            _builder.Counter(name, unit, description, value, _start, nowUnixNano, attributes);
        }
    }

    /// <summary>A cumulative sum that may go down (the semantic conventions' usage metrics).</summary>
    public void UpDownCounter(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (Enabled(name))
        {
            _builder.UpDownCounter(name, unit, description, value, _start, nowUnixNano, attributes);
        }
    }

    public void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (Enabled(name))
        {
            _builder.Gauge(name, unit, description, value, nowUnixNano, attributes);
        }
    }

    private void FinishResource()
    {
        if (_builder.PointCount > 0)
        {
            _done.Add(_builder.Build(_resource));
        }
    }
}
