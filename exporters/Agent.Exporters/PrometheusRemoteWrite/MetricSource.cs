using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// One metric as the translator reads it: the bytes it arrived in (<see cref="WireMetric"/>, from the <c>otlp</c>
/// receiver's pass-through) or a decoded <see cref="Metric"/> (from receivers that build objects, where writing them
/// out to walk the bytes would cost more than it saves). Either way its points come one at a time into a
/// <see cref="WirePoint"/>, so the translation itself is written once.
/// </summary>
internal ref struct MetricSource
{
    private readonly WireMetric _wire;
    private readonly Metric? _decoded;
    private WireMetric.PointCursor _cursor;
    private int _next;

    public MetricSource(WireMetric wire)
    {
        _wire = wire;
        _cursor = wire.Points();
    }

    public MetricSource(Metric decoded)
    {
        _decoded = decoded;
    }

    /// <summary>The data the metric holds: Google.Protobuf numbers a oneof's cases by their field numbers.</summary>
    public readonly MetricData Data => _decoded is null ? _wire.Data : (MetricData)(int)_decoded.DataCase;

    public readonly bool HasName => _decoded is null ? !_wire.Name.IsEmpty : _decoded.Name.Length > 0;

    public readonly bool Delta => _decoded is null ? _wire.Delta : _decoded.DataCase switch
    {
        Metric.DataOneofCase.Sum => _decoded.Sum.AggregationTemporality == AggregationTemporality.Delta,
        Metric.DataOneofCase.Histogram => _decoded.Histogram.AggregationTemporality == AggregationTemporality.Delta,
        _ => false,
    };

    public readonly bool Monotonic => _decoded is null ? _wire.Monotonic : _decoded.DataCase == Metric.DataOneofCase.Sum && _decoded.Sum.IsMonotonic;

    public readonly string Name(WireTexts texts) => _decoded?.Name ?? texts.Text(_wire.Name);

    public readonly string Unit(WireTexts texts) => _decoded?.Unit ?? texts.Text(_wire.Unit);

    public readonly string Description(WireTexts texts) => _decoded?.Description ?? texts.Text(_wire.Description);

    public readonly int CountPoints() => _decoded is null ? _wire.CountPoints() : Agent.Core.Model.MetricsBatch.DataPointCount(_decoded);

    /// <summary>Reads the next point into <paramref name="point"/>; false after the last.</summary>
    public bool Next(WirePoint point)
    {
        if (_decoded is null)
        {
            if (!_cursor.Next(out var bytes))
            {
                return false;
            }

            point.Read(bytes, KindOf(_wire.Data));
            return true;
        }

        int index = _next++;
        var data = _decoded.DataCase;
        if (data is Metric.DataOneofCase.Gauge or Metric.DataOneofCase.Sum)
        {
            var numbers = data == Metric.DataOneofCase.Gauge ? _decoded.Gauge.DataPoints : _decoded.Sum.DataPoints;
            if (index < numbers.Count)
            {
                point.Load(numbers[index]);
                return true;
            }
        }
        else if (data == Metric.DataOneofCase.Histogram && index < _decoded.Histogram.DataPoints.Count)
        {
            point.Load(_decoded.Histogram.DataPoints[index]);
            return true;
        }
        else if (data == Metric.DataOneofCase.Summary && index < _decoded.Summary.DataPoints.Count)
        {
            point.Load(_decoded.Summary.DataPoints[index]);
            return true;
        }

        return false;
    }

    private static PointKind KindOf(MetricData data) => data switch
    {
        MetricData.Histogram => PointKind.Histogram,
        MetricData.Summary => PointKind.Summary,
        _ => PointKind.Number,
    };
}
