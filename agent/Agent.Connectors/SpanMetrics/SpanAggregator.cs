using Agent.Core.Model;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// Counts spans into series, by resource and dimensions. Not thread-safe: the connector holds its lock around it.
/// A span whose series exists costs a hash, a lookup and a few additions, and allocates nothing: the key is read
/// from the span into scratch arrays that live as long as the aggregator.
/// </summary>
internal sealed class SpanAggregator
{
    private readonly SpanMetricsPlan _plan;
    private readonly Dictionary<int, ResourceSeries> _byHash = [];
    private readonly List<ResourceSeries> _ordered = [];
    private readonly AnyValue?[] _resourceDimensions;
    private readonly AnyValue?[] _spanDimensions;
    private ResourceSeries? _overflowResource;

    public SpanAggregator(SpanMetricsPlan plan)
    {
        _plan = plan;
        _resourceDimensions = new AnyValue?[plan.DimensionNames.Length];
        _spanDimensions = new AnyValue?[plan.DimensionNames.Length];
    }

    /// <summary>Every resource in the order it first appeared, the overflow resource last.</summary>
    public IEnumerable<ResourceSeries> Resources => _overflowResource is null ? _ordered : _ordered.Append(_overflowResource);

    public int SeriesCount => Resources.Sum(r => r.Count);

    /// <summary>Counts every span of <paramref name="batch"/>; series first seen now start at <paramref name="nowUnixNano"/>.</summary>
    public AggregateResult Add(TracesBatch batch, ulong nowUnixNano)
    {
        var result = default(AggregateResult);
        var groups = batch.Data.ResourceSpans;
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var attributes = group.Resource?.Attributes;
            if (StringAttribute(attributes, SpanDimensionNames.ServiceName) is not { } service)
            {
                // As the Collector: a span without a service cannot be named in a RED series.
                result.WithoutService += CountSpans(group);
                continue;
            }

            var resource = ResourceOf(attributes, nowUnixNano);
            for (int d = 0; d < _resourceDimensions.Length; d++)
            {
                _resourceDimensions[d] = Lookup(attributes, _plan.DimensionNames[d]);
            }

            for (int s = 0; s < group.ScopeSpans.Count; s++)
            {
                var spans = group.ScopeSpans[s].Spans;
                for (int i = 0; i < spans.Count; i++)
                {
                    if (!Record(resource, service, spans[i], nowUnixNano))
                    {
                        result.Overflowed++;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Counts one span; false when it went to an overflow series.</summary>
    private bool Record(ResourceSeries resource, string service, Span span, ulong nowUnixNano)
    {
        ulong start = span.StartTimeUnixNano;
        ulong end = span.EndTimeUnixNano;

        // An end before the start counts as no time, as in the Collector.
        double duration = end > start ? (end - start) / _plan.NanosPerUnit : 0;
        int bucket = _plan.BucketOf(duration);
        if (ReferenceEquals(resource, _overflowResource))
        {
            resource.Overflow(nowUnixNano).Record(duration, bucket, nowUnixNano);
            return false;
        }

        for (int d = 0; d < _spanDimensions.Length; d++)
        {
            _spanDimensions[d] = Lookup(span.Attributes, _plan.DimensionNames[d]) ?? _resourceDimensions[d] ?? _plan.DimensionDefaults[d];
        }

        var key = new SpanSeriesKey(
            _plan.IncludeService ? service : null,
            _plan.IncludeSpanName ? span.Name : null,
            _plan.IncludeKind ? (int)span.Kind : -1,
            _plan.IncludeStatus ? (int)(span.Status?.Code ?? Status.Types.StatusCode.Unset) : -1,
            _spanDimensions);
        var series = resource.Find(key, nowUnixNano, out bool overflowed);
        series.Record(duration, bucket, nowUnixNano);
        series.Exemplars?.Record(span.TraceId, span.SpanId, duration, end);
        return !overflowed;
    }

    /// <summary>The resource's series; past the resource limit, the one overflow resource (no attributes).</summary>
    private ResourceSeries ResourceOf(RepeatedField<KeyValue>? attributes, ulong nowUnixNano)
    {
        int hash = ResourceSeries.HashOf(_plan, attributes);
        _byHash.TryGetValue(hash, out var first);
        for (var resource = first; resource is not null; resource = resource.Next)
        {
            if (resource.Matches(attributes))
            {
                return resource;
            }
        }

        if (_ordered.Count >= _plan.ResourceLimit)
        {
            if (_overflowResource is null)
            {
                _overflowResource = new ResourceSeries(_plan, 0, null);
                _overflowResource.Overflow(nowUnixNano);
            }

            return _overflowResource;
        }

        var created = new ResourceSeries(_plan, hash, attributes) { Next = first };
        _byHash[hash] = created;
        _ordered.Add(created);
        return created;
    }

    /// <summary>
    /// Forgets the series with no span since <paramref name="cutoffUnixNano"/>, and the resources left with none, which
    /// frees their places under <c>resource_metrics_cache_size</c>. Returns the number of series forgotten.
    /// </summary>
    public int Expire(ulong cutoffUnixNano)
    {
        int expired = 0;
        foreach (var resource in Resources)
        {
            expired += resource.Expire(cutoffUnixNano);
        }

        if (_overflowResource is { Count: 0 })
        {
            _overflowResource = null;
        }

        if (_ordered.RemoveAll(resource => resource.Count == 0) > 0)
        {
            _byHash.Clear();
            for (int i = _ordered.Count - 1; i >= 0; i--)
            {
                var resource = _ordered[i];
                _byHash.TryGetValue(resource.Hash, out var first);
                resource.Next = first;
                _byHash[resource.Hash] = resource;
            }
        }

        return expired;
    }

    private static string? StringAttribute(RepeatedField<KeyValue>? attributes, string key) =>
        Lookup(attributes, key) is { ValueCase: AnyValue.ValueOneofCase.StringValue } value ? value.StringValue : null;

    private static AnyValue? Lookup(RepeatedField<KeyValue>? attributes, string key)
    {
        for (int i = 0; attributes is not null && i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return attributes[i].Value;
            }
        }

        return null;
    }

    private static int CountSpans(ResourceSpans group)
    {
        int count = 0;
        for (int s = 0; s < group.ScopeSpans.Count; s++)
        {
            count += group.ScopeSpans[s].Spans.Count;
        }

        return count;
    }
}

/// <summary>What one batch did beyond the normal: spans counted into an overflow series, spans without a service.</summary>
internal struct AggregateResult
{
    public int Overflowed;
    public int WithoutService;
}
